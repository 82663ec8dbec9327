// WPT urlpattern/resources/urlpatterntests.js, re-expressed: each vector of urlpatterntestdata.json
// constructs `new URLPattern(...pattern)` (or must throw a TypeError), checks the compiled pattern
// of every component (given, or derived from the constructor's arguments as WPT derives it), then
// test() and exec() on `inputs` against `expected_match`.
// https://urlpattern.spec.whatwg.org/
import { Mismatch, equal, recorder, throwsTypeError } from './subtests.js';

const COMPONENTS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash'];

// A component pattern not given is a wildcard once an earlier component is given, rather than the
// base URL's value.
const EARLIER = {
  protocol: [],
  username: [],
  password: [],
  hostname: ['protocol'],
  port: ['protocol', 'hostname'],
  pathname: ['protocol', 'hostname', 'port'],
  search: ['protocol', 'hostname', 'port', 'pathname'],
  hash: ['protocol', 'hostname', 'port', 'pathname', 'search'],
};

/** The compiled pattern WPT expects for a component the vector does not state. */
function derivedPattern(v, component) {
  const init = typeof v.pattern[0] === 'object' && v.pattern[0] !== null ? v.pattern[0] : undefined;
  if (v.exactly_empty_components?.includes(component)) return '';
  if (init?.[component]) return init[component];
  if (init && EARLIER[component].some((c) => c in init)) return '*';
  const base = init?.baseURL ? new URL(init.baseURL) : typeof v.pattern[1] === 'string' ? new URL(v.pattern[1]) : null;
  if (base && component !== 'username' && component !== 'password') {
    const value = base[component];
    if (component === 'protocol') return value.slice(0, -1);
    if (component === 'search' || component === 'hash') return value.slice(1);
    return value;
  }
  return '*';
}

/** Deep equality over own enumerable keys, as WPT's assert_object_equals. */
function same(a, b) {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
}

function plain(value) {
  return value === undefined ? null : JSON.parse(JSON.stringify(value, (_k, v) => (v === undefined ? null : v)));
}

function checkVector(v) {
  if (v.expected_obj === 'error') return throwsTypeError('new URLPattern', () => new URLPattern(...v.pattern));
  const pattern = new URLPattern(...v.pattern);
  for (const component of COMPONENTS) {
    const expected = v.expected_obj?.[component] ?? derivedPattern(v, component);
    equal(`pattern.${component}`, pattern[component], expected);
  }
  if (v.expected_match === 'error') {
    throwsTypeError('test()', () => pattern.test(...v.inputs));
    throwsTypeError('exec()', () => pattern.exec(...v.inputs));
    return;
  }
  equal('test()', pattern.test(...v.inputs), !!v.expected_match);
  const result = pattern.exec(...v.inputs);
  if (!v.expected_match || typeof v.expected_match !== 'object') return equal('exec()', result, v.expected_match);
  if (result === null) throw new Mismatch('exec()', 'a match', null);
  const inputs = v.expected_match.inputs ?? v.inputs;
  equal('exec().inputs.length', result.inputs.length, inputs.length);
  result.inputs.forEach((input, i) => {
    if (typeof input === 'string') return equal(`exec().inputs[${i}]`, input, inputs[i]);
    for (const component of COMPONENTS) equal(`exec().inputs[${i}].${component}`, input[component], inputs[i][component]);
  });
  for (const component of COMPONENTS) {
    let expected = v.expected_match[component];
    if (!expected) {
      expected = { input: '', groups: {} };
      if (!v.exactly_empty_components?.includes(component)) expected.groups['0'] = '';
    }
    const groups = Object.fromEntries(Object.entries(expected.groups).map(([k, g]) => [k, g === null ? undefined : g]));
    const want = { ...expected, groups };
    if (!same(result[component], want)) throw new Mismatch(`exec().${component}`, plain(want), plain(result[component]));
  }
}

/** Runs the URLPattern vectors; returns the subtests report. */
export function runUrlPattern(vectors) {
  const r = recorder();
  for (const v of vectors) r.test(`Pattern: ${JSON.stringify(v.pattern)} Inputs: ${JSON.stringify(v.inputs)}`, () => checkVector(v));
  return r.report();
}
