// Runs the WPT vector files with edgecompat's harness directly in the runtime that runs this
// script (node, deno or bun), with no route, no bundling and no HTTP, and prints one JSON object:
// case id -> { total, passed, failing: [names] }. test/wpt-subtests.test.ts compares it with what
// the same vectors gave as subtests of edgecompat's cases.
import urltestdata from '../../suites/web-apis/wpt/resources/urltestdata.json' with { type: 'json' };
import jsOnly from '../../suites/web-apis/wpt/resources/urltestdata-javascript-only.json' with { type: 'json' };
import setters from '../../suites/web-apis/wpt/resources/setters_tests.json' with { type: 'json' };
import toascii from '../../suites/web-apis/wpt/resources/toascii.json' with { type: 'json' };
import percent from '../../suites/web-apis/wpt/resources/percent-encoding.json' with { type: 'json' };
import urlpattern from '../../suites/web-apis/wpt/resources/urlpatterntestdata.json' with { type: 'json' };
import { runUrlParsing } from '../../suites/web-apis/wpt/harness/url-parsing.js';
import { runUrlSetters } from '../../suites/web-apis/wpt/harness/url-setters.js';
import { runToAscii } from '../../suites/web-apis/wpt/harness/toascii.js';
import { runPercentEncoding } from '../../suites/web-apis/wpt/harness/percent-encoding.js';
import { runUrlPattern } from '../../suites/web-apis/wpt/harness/urlpattern.js';

const runs = {
  'web-apis/wpt-url/url-parsing': () => runUrlParsing(urltestdata),
  'web-apis/wpt-url/url-parsing-javascript-only': () => runUrlParsing(jsOnly),
  'web-apis/wpt-url/url-setters': () => runUrlSetters(setters),
  'web-apis/wpt-url/toascii': () => runToAscii(toascii),
  'web-apis/wpt-url/percent-encoding-utf-8': () => runPercentEncoding(percent),
  'web-apis/wpt-urlpattern/urlpattern': () => runUrlPattern(urlpattern),
};
const out = {};
for (const [id, run] of Object.entries(runs)) {
  const report = run();
  out[id] = { total: report.total, passed: report.passed, failing: report.failures.map((f) => f.name) };
}
console.log(JSON.stringify(out));
