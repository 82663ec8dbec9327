// Runs WPT's urlpatterntestdata.json inside the route and answers the subtests report.
import vectors from '../resources/urlpatterntestdata.json';
import { runUrlPattern } from '../harness/urlpattern.js';
import { subtestResponse } from '../harness/subtests.js';

export default () => subtestResponse(runUrlPattern(vectors));
