// WPT url/toascii.window.js, the URL half (the <a> and <area> halves need a document): each vector
// of toascii.json puts `input` in a host. With an `output`, `https://<input>/x` parses to that host,
// and setting host and hostname to `input` gives it; with `output: null` parsing throws a TypeError
// and the setters leave the host unchanged. One subtest per vector checks all three.
// https://url.spec.whatwg.org/#concept-host-parser
import { equal, recorder, throwsTypeError } from './subtests.js';

/** Runs the host-to-ASCII vectors; returns the subtests report. */
export function runToAscii(vectors) {
  const r = recorder();
  for (const v of vectors) {
    if (typeof v === 'string') continue;
    const output = v.output === undefined ? v.input : v.output;
    r.test(`${v.input} (using URL, URL.host, URL.hostname)`, () => {
      if (output === null) throwsTypeError('new URL', () => new URL(`https://${v.input}/x`));
      else {
        const url = new URL(`https://${v.input}/x`);
        equal('host', url.host, output);
        equal('hostname', url.hostname, output);
        equal('pathname', url.pathname, '/x');
        equal('href', url.href, `https://${output}/x`);
      }
      for (const setter of ['host', 'hostname']) {
        const url = new URL('https://x/x');
        url[setter] = v.input;
        equal(`${setter} after setting`, url[setter], output === null ? 'x' : output);
      }
    });
  }
  return r.report();
}
