/**
 * Verified isolation for one chunk of a column's cases: one case at a time on a warm host (a runtime
 * process that serves many cases), whose proof after each case says that everything route code can
 * change is as a fresh host has it. A verdict stands only when the host was proven clean before the
 * case (the proof after the one before, or its baseline) and after it. Otherwise (a change, something
 * left running, a crash, a load that hung, a proof that failed) the host is retired and the case runs
 * again alone on a fresh host, and that verdict is the one recorded. A route whose bundle does what
 * the runtime's proof cannot read (core/check/host-hazards.ts) gets a fresh host from the start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exit, Loaded, VerifiedHosting, WarmHost } from '../../runners/types.ts';
import type { Verification } from '../report/report-types.ts';
import { hostHazards } from '../check/host-hazards.ts';
import { outputAfter, SETTLE_MS } from './batch.ts';
import type { ColumnJob, Emit, Finished } from './column-job.ts';
import { runCase } from './run-case.ts';
import type { PreparedRoute } from './route-modules.ts';
import type { Case } from '../types.ts';

/** What a chunk needs of its column. */
export interface WarmContext {
  job: ColumnJob;
  verified: VerifiedHosting;
  /** The routes of the cases admitted and not yet released. */
  routes: Map<string, PreparedRoute>;
  emit: Emit;
  /** Runs one case alone on a fresh host of the column, recording its verdict. */
  alone(testCase: Case): Promise<void>;
  /** What the column's verified isolation found, filled in as the cases run. */
  tally: Required<Pick<Verification, 'warmHosts' | 'casesOnWarmHosts' | 'freshByScan' | 'retired' | 'ranAgainAlone'>>;
}

/** How one case went on a warm host: its verdict stands, or the host is retired for `why`. */
type Outcome = { finished: Omit<Finished, 'at'> } | { why: string };

/** Runs the chunk's admitted cases: the warm ones one at a time on warm hosts, then the others alone on fresh hosts. */
export async function runWarmChunk(cases: Case[], context: WarmContext): Promise<void> {
  const { job, verified, routes, tally } = context;
  // 1. The scan: a route that does what the proof cannot read gets a fresh host.
  const warm: Case[] = [];
  const fresh: Case[] = [];
  for (const testCase of cases) {
    const blind = [...(await hostHazards(routes.get(testCase.id)!.module.source))].filter((h) => verified.blindTo.includes(h));
    for (const hazard of blind) tally.freshByScan[hazard] = (tally.freshByScan[hazard] ?? 0) + 1;
    (blind.length > 0 ? fresh : warm).push(testCase);
  }
  // 2. The warm ones, in order, on as few hosts as their proofs allow.
  let host: WarmHost | undefined;
  try {
    for (let i = 0; i < warm.length && !job.signal.aborted; i++) {
      const testCase = warm[i];
      if (!host) {
        try {
          host = await verified.open(warm.slice(i).map((c) => routes.get(c.id)!.module));
          tally.warmHosts++;
        } catch (error) {
          // No warm host to be had: this case and the rest of the chunk run on fresh hosts.
          job.log(`${job.target}: a warm host did not start (${firstLine(error)}); the rest of its cases run on fresh hosts`);
          fresh.unshift(...warm.slice(i));
          break;
        }
      }
      const outcome = await runOnHost(testCase, routes.get(testCase.id)!.module.key, host, job, !verified.blindTo.includes('timers'));
      // A case the run's stop cut short has no verdict: it is left for run --resume, as on a fresh host.
      if (job.signal.aborted) break;
      if ('finished' in outcome) {
        tally.casesOnWarmHosts++;
        context.emit(outcome.finished);
        continue;
      }
      tally.retired.push({ caseId: testCase.id, why: outcome.why });
      job.log(`${job.target}: a warm host was retired after ${testCase.id} (${outcome.why}); the case runs again alone on a fresh host`);
      await host.stop();
      host = undefined;
      if (job.signal.aborted) break;
      tally.ranAgainAlone++;
      await context.alone(testCase);
    }
  } finally {
    await host?.stop();
  }
  // 3. The others, each alone on a fresh host.
  for (const testCase of fresh) {
    if (job.signal.aborted) break;
    await context.alone(testCase);
  }
}

/**
 * Loads, runs and proves one case on the host. `seesTimers`: the host's proof waits for what the
 * route left running (timers, sockets) to end, so a death it causes comes during the proof; where
 * the runtime cannot show that, the case waits as a fresh host's does (SETTLE_MS) before the proof.
 */
async function runOnHost(testCase: Case, key: string, host: WarmHost, job: ColumnJob, seesTimers: boolean): Promise<Outcome> {
  let exit: Exit | undefined;
  const died = new AbortController();
  void host.exited().then((e) => {
    exit = e;
    died.abort();
  });
  const began = performance.now();
  const cursor = host.outputCursor();
  let loaded: Loaded;
  try {
    loaded = await host.load(key);
  } catch (error) {
    return { why: `loading the route: ${firstLine(error)}` };
  }
  const observation = await runCase(testCase, key, loaded, job.agent, AbortSignal.any([job.signal, died.signal]));
  const durationMs = performance.now() - began;
  if (!exit && !seesTimers) await Promise.race([sleep(SETTLE_MS), host.exited()]);
  if (exit) return { why: `the host exited (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})` };
  const output = await outputAfter(host, cursor, observation);
  // run --perf reads the host's memory while it still serves the route, after each case.
  job.afterBatch?.(loaded);
  let changes: string[];
  try {
    changes = await host.prove(key);
  } catch (error) {
    return { why: `proving the host: ${firstLine(error)}` };
  }
  if (changes.length > 0) return { why: changes.slice(0, 3).join('; ') };
  return { finished: { testCase, observation: output ? { ...observation, output } : observation, durationMs } };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
