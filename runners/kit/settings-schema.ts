/**
 * A plug-in's settings schema, applied with ajv to each of its columns' settings when the columns are
 * set up: a setting that breaks it is an InputError naming the plug-in file, the column and the field.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { InputError, type Problem } from '../../schemas/input-error.ts';
import { specificErrors } from '../../schemas/validators.ts';

const options = { allErrors: true, strict: false } as const;
const ajv2020 = new Ajv2020(options);
const ajv07 = new Ajv(options);

/** Compiles a plug-in's settings schema; a schema ajv refuses is an InputError naming `file`. */
export function compileSettingsSchema(schema: Record<string, unknown> | boolean, file: string): ValidateFunction {
  const draft07 = typeof schema === 'object' && typeof schema.$schema === 'string' && schema.$schema.includes('draft-07');
  try {
    return (draft07 ? ajv07 : ajv2020).compile(schema);
  } catch (error) {
    throw new InputError([{ file, message: `settingsSchema is not a valid JSON Schema: ${(error as Error).message}` }]);
  }
}

/** The setting an ajv error is about, as a dotted path ("flags.0"), or undefined for the settings object itself. */
function fieldOf(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  const own = error.keyword === 'additionalProperties' ? params.additionalProperty : error.keyword === 'required' ? params.missingProperty : undefined;
  const parts = [...error.instancePath.split('/').slice(1), ...(own === undefined ? [] : [String(own)])].map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** One problem per way `settings` breaks the schema, each naming the plug-in file, the column and the setting. */
export function settingsProblems(validate: ValidateFunction, settings: Record<string, unknown>, file: string, column: string): Problem[] {
  if (validate(settings)) return [];
  return specificErrors(validate.errors).map((error) => {
    const field = fieldOf(error);
    const what =
      error.keyword === 'additionalProperties' ? `unknown setting "${field}"`
      : error.keyword === 'required' ? `missing setting "${field}"`
      : field ? `setting "${field}" ${error.message}`
      : `settings ${error.message}`;
    return { file, message: `column "${column}": ${what}` };
  });
}
