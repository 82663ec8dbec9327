// A small subtest recorder for running WPT vector files inside an edge route, with no test harness
// of the runtime's: each vector is one subtest, and the route answers the report edgecompat reads
// (core/judge/subtests.ts): { subtests: { total, passed, failures: [{ name, expected, seen }] } }.

/** A failed check: what was expected and what was seen, for the report. */
export class Mismatch extends Error {
  constructor(what, expected, seen) {
    super(`${what}: expected ${JSON.stringify(expected)}, saw ${JSON.stringify(seen)}`);
    this.expected = what ? { [what]: expected } : expected;
    this.seen = what ? { [what]: seen } : seen;
  }
}

/** Throws a Mismatch unless seen === expected (Object.is, as WPT's assert_equals). */
export function equal(what, seen, expected) {
  if (!Object.is(seen, expected)) throw new Mismatch(what, expected, seen);
}

/** Throws a Mismatch unless fn throws a TypeError. */
export function throwsTypeError(what, fn) {
  let value;
  try {
    value = fn();
  } catch (error) {
    if (error instanceof TypeError) return;
    throw new Mismatch(what, 'TypeError', `${error?.name}: ${error?.message}`);
  }
  throw new Mismatch(what, 'TypeError', `no error (${describe(value)})`);
}

function describe(value) {
  try {
    return value instanceof URL ? value.href : String(value);
  } catch {
    return typeof value;
  }
}

/** Collects subtests by name; a repeated name gets " [2]", " [3]" so every name is unique. */
export function recorder() {
  const failures = [];
  const names = new Map();
  let total = 0;
  return {
    test(name, fn) {
      const count = (names.get(name) ?? 0) + 1;
      names.set(name, count);
      const unique = count === 1 ? name : `${name} [${count}]`;
      total += 1;
      try {
        fn();
      } catch (error) {
        failures.push(error instanceof Mismatch
          ? { name: unique, expected: error.expected, seen: error.seen }
          : { name: unique, expected: 'no error', seen: `${error?.name}: ${error?.message}` });
      }
    },
    report() {
      return { total, passed: total - failures.length, failures };
    },
  };
}

/** The route's answer: the report as JSON. */
export function subtestResponse(report) {
  return new Response(JSON.stringify({ subtests: report }), { headers: { 'content-type': 'application/json' } });
}
