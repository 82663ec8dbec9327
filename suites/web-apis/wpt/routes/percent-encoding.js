// Runs WPT's percent-encoding.json inside the route and answers the subtests report.
import vectors from '../resources/percent-encoding.json';
import { runPercentEncoding } from '../harness/percent-encoding.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runPercentEncoding(vectors));
