// Runs WPT's urltestdata.json inside the route and answers the subtests report.
import vectors from '../resources/urltestdata.json';
import { runUrlParsing } from '../harness/url-parsing.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runUrlParsing(vectors));
