/**
 * Names derived from cases: a case's key, which names its route in a run (a file name, a URL path
 * segment), and a case set's hash, which tells whether two reports (shards, a resumed run) ran the
 * same cases.
 */
import { createHash } from 'node:crypto';
import type { Case } from '../types.ts';

/** A short, unique, URL- and file-safe name for a case: a readable slug of its id plus a hash. */
export function caseKey(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 56).replace(/-$/, '');
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${slug}-${hash}`;
}

/** A hash of the cases' content, the same for the same case set whatever the order or slice. */
export function caseSetHash(cases: Case[]): string {
  const hash = createHash('sha256');
  for (const c of [...cases].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(JSON.stringify([c.id, c.title, c.source, c.route, c.probe ?? null, c.refused ?? null, c.steps, c.timeoutMs, ...(c.payload ? [c.payload] : []), ...(c.sizeLimit ? [c.sizeLimit] : [])]));
  }
  return hash.digest('hex').slice(0, 32);
}
