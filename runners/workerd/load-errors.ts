/**
 * Reading why workerd refused a config. With structured logging on, workerd writes each of its own
 * errors to stderr as one JSON line whose message starts `service <name>: `, and it reports every
 * failing worker of a config in one go, so one failed start names all the routes that broke it.
 * (The workers' own console output goes to stdout as JSON, so it can never pass for such a line.)
 */

/** What a failed `workerd serve` said, sorted by worker. */
export interface StartErrors {
  /** Worker name -> its error messages (without the `service <name>: ` prefix), in order. */
  byWorker: Map<string, string[]>;
  /** Errors about the settings shared by every worker (compatibility date or flags). */
  settings: string[];
  /** Error lines that name no known worker (config syntax, internal errors). */
  other: string[];
}

/** Messages that are about the column's settings, not about one route's module. */
const SETTINGS_ERROR = /compatibility (date|flag)|Invalid compatibility date|No such compatibility flag|mutually contradictory/i;

interface LogLine {
  level?: string;
  message?: string;
}

function parseLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sorts the error output of a failed start by worker. `workers` are the names in the config; the
 * longest name that prefixes a message wins, so names that prefix each other are told apart.
 */
export function parseStartErrors(stderr: string, workers: Iterable<string>): StartErrors {
  const names = [...workers].sort((a, b) => b.length - a.length);
  const result: StartErrors = { byWorker: new Map(), settings: [], other: [] };
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const parsed = parseLine(line);
    if (parsed && parsed.level !== 'error' && parsed.level !== 'fatal') continue;
    const message = parsed ? String(parsed.message ?? line) : line;
    const name = names.find((n) => message.startsWith(`service ${n}: `));
    if (name === undefined) {
      result.other.push(message);
      continue;
    }
    const text = message.slice(`service ${name}: `.length);
    if (SETTINGS_ERROR.test(text)) {
      if (!result.settings.includes(text)) result.settings.push(text);
      continue;
    }
    const list = result.byWorker.get(name) ?? [];
    list.push(text);
    result.byWorker.set(name, list);
  }
  return result;
}

/** The JavaScript error name in a load message ("Uncaught SyntaxError: ..." -> "SyntaxError"), else "Error". */
export function errorName(message: string): string {
  const match = /^(?:Uncaught (?:\(in promise\) )?)?([A-Za-z]*Error)\b/.exec(message);
  return match?.[1] ?? 'Error';
}
