/**
 * One case file: YAML parsed with positions, validated against schemas/case.schema.json, and every
 * problem located by line and JSON path.
 */
import { validateCaseFile } from '../../schemas/validators.ts';
import { parseYamlFile, type ParsedYaml } from '../../schemas/input-file.ts';

/** A case file as written: the schema's shape, before defaults are applied. */
export interface RawCaseFile {
  area: string;
  feature: string;
  source?: string;
  tags?: string[];
  timeoutMs?: number;
  requires?: string[];
  sizeLimit?: string;
  platform?: string;
  cases: RawCase[];
}

/** One case as written in its file. */
export interface RawCase {
  id: string;
  title: string;
  /** Known to give different statuses from run to run, and why (npm run flakes lists it apart). */
  flaky?: { reason: string };
  source?: string;
  tags?: string[];
  timeoutMs?: number;
  route?: string | { file: string };
  probe?: { expr?: string; value?: unknown; typeof?: string; throws?: Record<string, string>; api?: string; call?: string; support?: string | string[] };
  refused?: Record<string, string>;
  requires?: string[];
  sizeLimit?: string;
  platform?: string;
  payload?: { bytes: number; kind: string; seed?: number };
  request?: Record<string, unknown>;
  expect?: Record<string, unknown>;
  requests?: Array<Record<string, unknown>>;
}

/** A parsed case file: its data if valid, and a way to find the line of any JSON path in it. */
export type ParsedCaseFile = ParsedYaml<RawCaseFile>;

/** Parses and validates the text of one case file. */
export function parseCaseFile(file: string, text: string): ParsedCaseFile {
  return parseYamlFile<RawCaseFile>(file, text, validateCaseFile, shapeProblems);
}

/**
 * Which fields of a case go together is said by oneOf/not in the schema, whose errors read badly;
 * this says it plainly, by case path.
 */
function shapeProblems(data: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const cases = (data as { cases?: unknown })?.cases;
  if (!Array.isArray(cases)) return out;
  cases.forEach((c: Record<string, unknown> | null, i) => {
    if (!c || typeof c !== 'object') return;
    const has = (k: string) => k in c;
    let message: string | undefined;
    if (has('route') && has('probe')) message = 'give a route or a probe, not both';
    else if (!has('route') && !has('probe')) message = 'give a route (or a probe)';
    else if (has('probe') && ['request', 'expect', 'requests', 'refused'].some(has)) message = 'a probe makes its own request and expectation: remove request, expect, requests and refused';
    else if (has('requests') && ['request', 'expect'].some(has)) message = 'give either request and expect, or requests (each with its own expect)';
    else if (has('refused') && ['requests', 'expect'].some(has)) message = 'a refused route is never requested: remove expect and requests';
    else if (!has('source') && !(data as { source?: unknown }).source) message = 'no source: give the case (or the file) the URL of what it checks';
    if (message) out.set(`/cases/${i}`, message);
  });
  return out;
}
