// Runs WPT's urltestdata-javascript-only.json inside the route and answers the subtests report.
import vectors from '../resources/urltestdata-javascript-only.json';
import { runUrlParsing } from '../harness/url-parsing.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runUrlParsing(vectors));
