/**
 * Probe cases: an expression evaluated inside a handler, answered as JSON. The generated route
 * uses nothing but the expression itself, Response and JSON, so that what the expression sees
 * (globals, eval, require ...) is what the runtime gives any route.
 */

/**
 * How far an API is supported, as a support probe tells: `missing` (the name does not resolve to
 * anything), `stub` (it exists but calling it throws, like Next's `process.cwd` or a nodejs_compat
 * placeholder) or `working` (calling it gives a value).
 */
export type Support = 'missing' | 'stub' | 'working';

/** The supports, in the order a report lists them. */
export const SUPPORTS: readonly Support[] = ['missing', 'stub', 'working'];

/** What a probe route answers with; a support probe adds what it found. */
export type ProbeOutcome = (
  | { ok: true; type: string; value?: unknown }
  | { ok: false; name: string; message: string }
) & { support?: Support; apiType?: string };

/**
 * The ES module of a probe route. The expression sees the incoming Request as `request`, and is
 * awaited, so `import('node:fs')` and other promises give their settled value or error.
 */
export function probeRoute(expr: string): string {
  return `// edgecompat probe: the route answers what ${JSON.stringify(expr)} gives
export default async function probe(request) {
  let outcome;
  try {
    const value = await (async () => (
${expr}
    ))();
    outcome = { ok: true, type: typeof value };
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) outcome.value = JSON.parse(json);
    } catch {}
  } catch (error) {
    outcome = error !== null && typeof error === 'object'
      ? { ok: false, name: String(error.name), message: String(error.message) }
      : { ok: false, name: typeof error, message: String(error) };
  }
  return new Response(JSON.stringify(outcome), { headers: { 'content-type': 'application/json' } });
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
export default async function probe(request) {
  let outcome;
  let api;
  try {
    api = await (async () => (
${api}
    ))();
  } catch (error) {
    api = undefined;
  }
  if (api === undefined || api === null) {
    outcome = { ok: true, type: typeof api, support: 'missing' };
  } else {
    const apiType = typeof api;
    try {
      const value = await (async () => (
${call}
      ))();
      outcome = { ok: true, type: typeof value, support: 'working', apiType };
      try {
        const json = JSON.stringify(value);
        if (json !== undefined) outcome.value = JSON.parse(json);
      } catch {}
    } catch (error) {
      outcome = error !== null && typeof error === 'object'
        ? { ok: false, name: String(error.name), message: String(error.message), support: 'stub', apiType }
        : { ok: false, name: typeof error, message: String(error), support: 'stub', apiType };
    }
  }
  return new Response(JSON.stringify(outcome), { headers: { 'content-type': 'application/json' } });
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
