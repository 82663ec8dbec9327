// WPT url/url-setters.any.js, re-expressed: for each attribute of setters_tests.json, parse `href`,
// set the attribute to `new_value`, and every part listed in `expected` must read as given.
// https://url.spec.whatwg.org/#urlutils-members
import { equal, recorder } from './subtests.js';

/** Runs the URL setter vectors; returns the subtests report. */
export function runUrlSetters(table) {
  const r = recorder();
  for (const [attribute, vectors] of Object.entries(table)) {
    if (attribute === 'comment') continue;
    for (const v of vectors) {
      const name = `URL: Setting <${v.href}>.${attribute} = '${v.new_value}'${'comment' in v ? ` ${v.comment}` : ''}`;
      r.test(name, () => {
        const url = new URL(v.href);
        url[attribute] = v.new_value;
        for (const [part, value] of Object.entries(v.expected)) equal(part, url[part], value);
      });
    }
  }
  return r.report();
}
