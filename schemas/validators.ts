/**
 * The JSON Schemas of schemas/, compiled once with ajv (JSON Schema 2020-12, all errors).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats.default(ajv);

function load(name: string): ValidateFunction {
  const url = new URL(`./${name}`, import.meta.url);
  return ajv.compile(JSON.parse(readFileSync(url, 'utf8')));
}

/** Validates one parsed case file. */
export const validateCaseFile = load('case.schema.json');
/** Validates a canonical report. */
export const validateReport = load('report.schema.json');
/** Validates a parsed expectations file. */
export const validateExpectations = load('expectations.schema.json');

/** ajv's errors, most specific first: an error under a oneOf/anyOf branch beats the branch summary. */
export function specificErrors(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const all = errors ?? [];
  const summaries = new Set(['oneOf', 'anyOf', 'not', 'if']);
  const specific = all.filter((e) => !summaries.has(e.keyword));
  const chosen = specific.length > 0 ? specific : all;
  // Keep the deepest errors for each branch: an error whose path is a prefix of another's is noise,
  // except a field unknown or missing in an object, which no deeper error says.
  const ownFields = new Set(['additionalProperties', 'unevaluatedProperties', 'required']);
  return chosen.filter((e) => ownFields.has(e.keyword) || !chosen.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)));
}

/** One line for an ajv error: what is wrong, with the offending property when there is one. */
export function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `unknown field "${String(params.additionalProperty)}"`;
  if (error.keyword === 'unevaluatedProperties') return `unknown field "${String(params.unevaluatedProperty)}"`;
  if (error.keyword === 'required') return `missing field "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum') return `${error.message}: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? error.keyword;
}
/** Validates a parsed platform profile (profiles/*.yaml). */
export const validateProfile = load('profile.schema.json');
/** Validates a parsed edgecompat.config file. */
export const validateConfig = load('config.schema.json');
