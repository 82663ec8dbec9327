// WPT url/url-constructor.any.js, re-expressed: each vector of urltestdata.json parses `input`
// against `base` (none when null) and must give these parts, or throw a TypeError (`failure`).
// https://url.spec.whatwg.org/#constructors
import { equal, recorder, throwsTypeError } from './subtests.js';

const PARTS = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search'];

/** Runs the URL parsing vectors; returns the subtests report. */
export function runUrlParsing(vectors) {
  const r = recorder();
  for (const v of vectors) {
    if (typeof v === 'string') continue;
    const parse = () => (v.base === null || v.base === undefined ? new URL(v.input) : new URL(v.input, v.base));
    r.test(`Parsing: <${v.input}> against <${v.base}>`, () => {
      if (v.failure) return throwsTypeError('new URL', parse);
      const url = parse();
      for (const part of PARTS) equal(part, url[part], v[part]);
      if ('searchParams' in v) equal('searchParams', url.searchParams.toString(), v.searchParams);
      equal('hash', url.hash, v.hash);
    });
  }
  return r.report();
}
