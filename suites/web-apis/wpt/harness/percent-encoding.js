// WPT url/percent-encoding.window.js, the UTF-8 half: a query in a UTF-8 document percent-encodes
// as `output["utf-8"]`. The other encodings need a document of that charset (a browser), so they
// are not run here. https://url.spec.whatwg.org/#percent-encoded-bytes
import { equal, recorder } from './subtests.js';

/** Runs the percent-encoding vectors that have a UTF-8 output; returns the subtests report. */
export function runPercentEncoding(vectors) {
  const r = recorder();
  for (const v of vectors) {
    if (typeof v === 'string' || v.output['utf-8'] === undefined) continue;
    r.test(`Input ${v.input} with encoding utf-8`, () => {
      equal('search', new URL(`https://doesnotmatter.invalid/?${v.input}`).search, `?${v.output['utf-8']}`);
    });
  }
  return r.report();
}
