/**
 * Probe cases: an expression evaluated inside a handler, answered as JSON. The generated route
 * uses nothing but the expression itself, Response and JSON, so that what the expression sees
 * (globals, eval, require ...) is what the runtime gives any route.
 */
import type { Support } from '../types.ts';

/** What a probe route answers with; a support probe adds what it found. */
export type ProbeOutcome = (
  | { ok: true; type: string; value?: unknown }
  | { ok: false; name: string; message: string }
) & { support?: Support; apiType?: string };

/**
 * What both probe forms share, put in the generated module: `ecSettle` awaits a thunk and describes
 * what it gave (its typeof and JSON value) or threw (name and message); `ecAnswer` sends that as JSON.
 */
const PROBE_HELPERS = `async function ecSettle(run) {
  try {
    const value = await run();
    const outcome = { ok: true, type: typeof value };
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) outcome.value = JSON.parse(json);
    } catch {}
    return outcome;
  } catch (error) {
    return error !== null && typeof error === 'object'
      ? { ok: false, name: String(error.name), message: String(error.message) }
      : { ok: false, name: typeof error, message: String(error) };
  }
}
const ecAnswer = (outcome) => new Response(JSON.stringify(outcome), { headers: { 'content-type': 'application/json' } });`;

/**
 * The ES module of a probe route. The expression sees the incoming Request as `request`, and is
 * awaited, so `import('node:fs')` and other promises give their settled value or error.
 */
export function probeRoute(expr: string): string {
  return `// edgecompat probe: the route answers what ${JSON.stringify(expr)} gives
${PROBE_HELPERS}
export default async function probe(request) {
  return ecAnswer(await ecSettle(async () => (
${expr}
  )));
}
`;
}

/**
 * The ES module of a support probe: it resolves `api` (a name or property path, so a ReferenceError
 * or an undefined value is `missing`; a promise is awaited, so an `import()` that rejects is
 * `missing` too), then, when it exists, awaits `call` (by default `api()`):
 * throwing or rejecting is `stub`, a value is `working`. Like probeRoute, it uses nothing else.
 */
export function supportProbeRoute(api: string, call = `${api}()`): string {
  return `// edgecompat support probe: is ${JSON.stringify(api)} missing, a stub, or working?
${PROBE_HELPERS}
export default async function probe(request) {
  let api;
  try {
    api = await (async () => (
${api}
    ))();
  } catch {
    api = undefined;
  }
  if (api === undefined || api === null) return ecAnswer({ ok: true, type: typeof api, support: 'missing' });
  const outcome = await ecSettle(async () => (
${call}
  ));
  return ecAnswer({ ...outcome, support: outcome.ok ? 'working' : 'stub', apiType: typeof api });
}
`;
}

/** Reads a probe route's answer from a response body; undefined when it is not one. */
export function parseProbeOutcome(body: string | undefined): ProbeOutcome | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed = JSON.parse(body) as ProbeOutcome;
    if (parsed && typeof parsed === 'object' && typeof parsed.ok === 'boolean') return parsed;
  } catch {
    /* not a probe answer */
  }
  return undefined;
}
