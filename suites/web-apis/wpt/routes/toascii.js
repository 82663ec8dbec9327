// Runs WPT's toascii.json inside the route and answers the subtests report.
import vectors from '../resources/toascii.json';
import { runToAscii } from '../harness/toascii.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runToAscii(vectors));
