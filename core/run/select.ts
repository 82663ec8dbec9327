/**
 * The planner: which cases run (filter by id pattern, area and tag; a stable shard), and on which
 * columns (target names from the registry).
 */
import type { TargetsSource } from '../cases/config.ts';
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { InputError } from '../../schemas/input-error.ts';
import type { Case } from '../types.ts';
import type { TargetConfig } from '../../runners/types.ts';

/** How to narrow the cases of a run. */
export interface CaseFilter {
  /** Glob patterns over case ids (`streaming/**`, `*\/eval/*`); a case matching any is kept. */
  ids?: string[];
  areas?: string[];
  tags?: string[];
}

/** Keeps the cases that match every given criterion. */
export function filterCases(cases: Case[], filter: CaseFilter): Case[] {
  const idMatch = filter.ids?.length ? picomatch(filter.ids.map((p) => (/[*?[{]/.test(p) ? p : `${p}{,/**}`))) : undefined;
  return cases.filter(
    (c) =>
      (!idMatch || idMatch(c.id)) &&
      (!filter.areas?.length || filter.areas.includes(c.area)) &&
      (!filter.tags?.length || filter.tags.some((t) => c.tags.includes(t))),
  );
}

/** Parses `i/n` (1-based) and throws InputError if it is not one. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InputError([{ file: '--shard', message: `"${text}" is not i/n with 1 <= i <= n` }]);
  }
  return { index, count };
}

/** The stable slice `index` of `count`: a case's shard depends on its id alone. */
export function shardCases(cases: Case[], shard: { index: number; count: number }): Case[] {
  return cases.filter((c) => createHash('sha256').update(c.id).digest().readUInt32BE(0) % shard.count === shard.index - 1);
}

/** Resolves target names against the known columns; unknown or repeated names are an InputError. */
export function selectTargets(names: string[], known: TargetConfig[], from?: TargetsSource): TargetConfig[] {
  // A column twice would be two results in each of its cells, which no report can hold.
  const repeated = names.flatMap((n, i) => (names.indexOf(n) < i ? [i] : []));
  if (repeated.length > 0) {
    if (from) throw new InputError(repeated.map((i) => ({ file: from.file, line: from.lines[i], path: `/targets/${i}`, message: `target "${names[i]}" is listed twice` })));
    throw new InputError([{ file: '--targets', message: `target ${repeated.map((i) => `"${names[i]}"`).join(', ')} is listed twice` }]);
  }
  const unknown = names.filter((n) => !known.some((t) => t.name === n));
  if (unknown.length > 0) {
    const knownNames = known.map((t) => t.name).join(', ');
    // Names from a config are refused at their line; names from the command line name the flag.
    if (from) throw new InputError(unknown.map((n) => ({ file: from.file, line: from.lines[names.indexOf(n)], path: `/targets/${names.indexOf(n)}`, message: `unknown target "${n}"; known: ${knownNames}` })));
    throw new InputError([{ file: '--targets', message: `unknown target ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${knownNames}` }]);
  }
  return names.map((n) => known.find((t) => t.name === n)!);
}
