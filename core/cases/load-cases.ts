/**
 * The loader: finds case files, parses and validates each, lints what a schema cannot say (unique
 * ids, a source on every case, ids under their area, route files that exist), and turns them into
 * normalised Cases. Any problem in any file stops the run before a target starts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { PACKAGE_ROOT } from '../../runners/host/binaries.ts';
import { parseCaseFile, type RawCase, type RawCaseFile } from './case-file.ts';
import { InputError, type Problem } from '../../schemas/input-error.ts';
import { sizeLimitIds } from '../../profiles/code-size.ts';
import { profileNames } from '../../profiles/profiles.ts';
import { PAYLOAD_TOKEN } from './payload.ts';
import { probeRoute, supportProbeRoute } from './probe.ts';
import { MAX_YAML_BYTES, readInputFile } from '../../schemas/input-file.ts';
import type { Case, RequestSpec, ResponseExpect, Step } from '../types.ts';

/** The suites edgecompat ships, used when no --suite is given. */
export const DEFAULT_SUITE = join(PACKAGE_ROOT, 'suites');

/** A case's timeout when neither the case nor its file gives one. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The file in each area folder that lists its feature names; it holds no cases. */
export const FEATURES_FILE = 'features.yaml';

/**
 * Expands suite arguments (folders, files or globs) into a sorted list of YAML case files; an area's
 * features.yaml is not one.
 */
export async function findCaseFiles(patterns: string[], cwd = process.cwd()): Promise<string[]> {
  const files: string[] = [];
  const problems: Problem[] = [];
  // node_modules is skipped inside a suite, not above it: the shipped suites live in one once installed.
  const ignore = ['**/node_modules/**', `**/${FEATURES_FILE}`, '**/edgecompat.config.{yaml,yml}'];
  for (const pattern of patterns) {
    const full = resolve(cwd, pattern);
    if (existsSync(full) && statSync(full).isDirectory()) files.push(...(await glob('**/*.{yaml,yml}', { cwd: full, absolute: true, ignore })));
    else if (existsSync(full)) files.push(full);
    else if (/[*?[{]/.test(pattern)) files.push(...(await glob(pattern, { cwd, absolute: true, ignore })));
    else problems.push({ file: pattern, message: 'no such file or folder' });
  }
  if (problems.length > 0) throw new InputError(problems);
  if (files.length === 0) throw new InputError([{ file: patterns.join(', '), message: 'no case files (*.yaml, *.yml) found' }]);
  return [...new Set(files)].sort();
}

/** Loads every case from the given suite folders, files or globs. Throws InputError on any problem. */
export async function loadCases(patterns: string[], cwd = process.cwd()): Promise<Case[]> {
  const files = await findCaseFiles(patterns, cwd);
  const problems: Problem[] = [];
  const cases: Case[] = [];
  const firstSeen = new Map<string, string>();
  for (const absolute of files) {
    const file = relative(cwd, absolute) || absolute;
    let text: string;
    try {
      text = readInputFile(absolute, file, MAX_YAML_BYTES);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    const parsed = parseCaseFile(file, text);
    problems.push(...parsed.problems);
    if (!parsed.data) continue;
    parsed.data.cases.forEach((raw, index) => {
      const at = (field?: string): Pick<Problem, 'file' | 'line' | 'path'> => {
        const path = field ? ['cases', index, field] : ['cases', index];
        return { file, line: parsed.lineOf(path), path: `/${path.join('/')}` };
      };
      const where = firstSeen.get(raw.id);
      if (where) problems.push({ ...at('id'), message: `duplicate id "${raw.id}" (first in ${where})` });
      else firstSeen.set(raw.id, `${file}:${parsed.lineOf(['cases', index, 'id']) ?? '?'}`);
      if (!raw.id.startsWith(`${parsed.data!.area}/`)) {
        problems.push({ ...at('id'), message: `id "${raw.id}" must begin with its area "${parsed.data!.area}/"` });
      }
      let routeFile: string | undefined;
      let routeText: string | undefined;
      if (raw.route && typeof raw.route === 'object') {
        routeFile = join(dirname(absolute), raw.route.file);
        const shown = relative(cwd, routeFile);
        if (!existsSync(routeFile)) problems.push({ ...at('route'), message: `route file not found: ${shown}` });
        else if (!statSync(routeFile).isFile()) problems.push({ ...at('route'), message: `route file is not a file: ${shown}` });
        else {
          // Read as the runtimes read a module: UTF-8, whatever it holds (a syntax error is the runtime's to refuse).
          try {
            routeText = readFileSync(routeFile, 'utf8');
          } catch (error) {
            problems.push({ ...at('route'), message: `cannot read the route file ${shown}: ${(error as Error).message}` });
          }
        }
      }
      if ((raw.expect as ResponseExpect | undefined)?.invocation) {
        problems.push({ ...at('expect'), message: 'invocation compares a response with an earlier one: give requests (two or more), not request and expect' });
      }
      raw.requests?.forEach((request, step) => {
        const invocation = (request.expect as ResponseExpect | undefined)?.invocation;
        const refersTo = invocation?.sameAs ?? invocation?.notSameAs;
        if (refersTo !== undefined && refersTo > step) {
          const path = ['cases', index, 'requests', step, 'expect', 'invocation'];
          problems.push({ file, line: parsed.lineOf(path), path: `/${path.join('/')}`, message: step === 0 ? `request 1 has no earlier request to refer to (it says ${refersTo})` : `request ${step + 1} can only refer to an earlier request (1 to ${step}), not ${refersTo}` });
        }
      });
      const sizeLimit = raw.sizeLimit ?? parsed.data!.sizeLimit;
      if (sizeLimit && !sizeLimitIds().includes(sizeLimit)) {
        const path = raw.sizeLimit ? ['cases', index, 'sizeLimit'] : ['sizeLimit'];
        problems.push({ file, line: parsed.lineOf(path), path: `/${path.join('/')}`, message: `no profile has the size limit "${sizeLimit}"; known: ${sizeLimitIds().join(', ')}` });
      }
      const platform = raw.platform ?? parsed.data!.platform;
      if (platform && !profileNames().includes(platform)) {
        const path = raw.platform ? ['cases', index, 'platform'] : ['platform'];
        problems.push({ file, line: parsed.lineOf(path), path: `/${path.join('/')}`, message: `no platform profile "${platform}"; known: ${profileNames().join(', ')}` });
      }
      if (raw.payload && !(typeof raw.route === 'string' && raw.route.includes(PAYLOAD_TOKEN))) {
        problems.push({ ...at('payload'), message: `a payload needs an inline route with the string ${PAYLOAD_TOKEN} where the generated content goes` });
      }
      if (problems.length === 0) cases.push({ ...normalise(parsed.data!, raw, file, routeFile, routeText, cwd), line: parsed.lineOf(['cases', index, 'id']) });
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return cases;
}

function normalise(fileData: RawCaseFile, raw: RawCase, file: string, routeFile: string | undefined, routeText: string | undefined, cwd: string): Case {
  let route: string;
  let routeLang: Case['routeLang'] = 'js';
  if (raw.probe?.api !== undefined) route = supportProbeRoute(raw.probe.api, raw.probe.call);
  else if (raw.probe) route = probeRoute(raw.probe.expr!);
  else if (routeFile) {
    route = routeText!;
    routeLang = routeFile.endsWith('.ts') ? 'ts' : 'js';
  } else route = raw.route as string;
  return {
    id: raw.id,
    title: raw.title,
    area: fileData.area,
    feature: fileData.feature,
    tags: [...new Set([...(fileData.tags ?? []), ...(raw.tags ?? [])])],
    source: (raw.source ?? fileData.source)!,
    file,
    timeoutMs: raw.timeoutMs ?? fileData.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    routeFile: routeFile ? relative(cwd, routeFile) : undefined,
    resolveDir: dirname(routeFile ?? resolve(cwd, file)),
    route,
    routeLang,
    probe: raw.probe ? probeSpec(raw.probe) : undefined,
    refused: raw.refused,
    ...((raw.requires ?? fileData.requires) ? { requires: (raw.requires ?? fileData.requires) as Case['requires'] } : {}),
    ...((raw.sizeLimit ?? fileData.sizeLimit) ? { sizeLimit: raw.sizeLimit ?? fileData.sizeLimit } : {}),
    ...((raw.platform ?? fileData.platform) ? { platform: raw.platform ?? fileData.platform } : {}),
    ...(raw.payload ? { payload: raw.payload as Case['payload'] } : {}),
    ...(raw.flaky ? { flaky: { reason: raw.flaky.reason } } : {}),
    steps: steps(raw),
  };
}

/** A probe as the judge reads it: a support probe's `support` always a list. */
function probeSpec(probe: NonNullable<RawCase['probe']>): Case['probe'] {
  const support = (probe as { support?: string | string[] }).support;
  return { ...probe, ...(support !== undefined ? { support: [support].flat() as NonNullable<Case['probe']>['support'] } : {}) } as Case['probe'];
}

function steps(raw: RawCase): Step[] {
  if (raw.requests) {
    return raw.requests.map(({ expect, startAfter, waitMs, ...request }) => ({
      request: requestSpec(request),
      expect: (expect ?? {}) as ResponseExpect,
      startAfter: (startAfter as Step['startAfter']) ?? 'previous-done',
      ...(waitMs !== undefined ? { waitMs: waitMs as number } : {}),
    }));
  }
  return [{ request: requestSpec(raw.request ?? { path: '/' }), expect: (raw.expect ?? {}) as ResponseExpect, startAfter: 'previous-done' }];
}

function requestSpec(raw: Record<string, unknown>): RequestSpec {
  return { ...(raw as unknown as RequestSpec), method: (raw.method as string | undefined) ?? 'GET' };
}
