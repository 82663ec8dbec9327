/**
 * Option parsing shared by the commands: comma-separated lists, and the options that choose cases
 * (the same for run, list, serve and bundle).
 */
import { InvalidArgumentError, type Command } from 'commander';

/** Parses a repeatable, comma-separated option into one list. */
export function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** Parses a whole number of at least 1. */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** Adds --suite, --filter, --area and --tag to a command. */
export function withCaseOptions(command: Command): Command {
  return command
    .option('--suite <path>', 'case folder, YAML file or glob (repeatable; default: the suites edgecompat ships)', list)
    .option('--filter <pattern>', 'case id glob, e.g. "streaming/**" or "*/eval/*"; a plain id prefix also works (repeatable, comma-separated)', list)
    .option('--area <area>', 'only these areas (repeatable, comma-separated)', list)
    .option('--tag <tag>', 'only cases with one of these tags (repeatable, comma-separated)', list);
}
