// Runs WPT's setters_tests.json inside the route and answers the subtests report.
import vectors from '../resources/setters_tests.json';
import { runUrlSetters } from '../harness/url-setters.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runUrlSetters(vectors));
