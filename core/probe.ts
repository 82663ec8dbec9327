/**
 * Probe cases: an expression evaluated inside a handler, answered as JSON. The generated route
 * uses nothing but the expression itself, Response and JSON, so that what the expression sees
 * (globals, eval, require ...) is what the runtime gives any route.
 */

/** What a probe route answers with. */
export type ProbeOutcome =
  | { ok: true; type: string; value?: unknown }
  | { ok: false; name: string; message: string };

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
