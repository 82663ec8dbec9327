/**
 * Generated content for the size-limit cases: a route holds the string `"$PAYLOAD"` and its case says
 * how much content of which kind stands there. The content is made when the route is prepared, never
 * stored in the case or the report, and is the same for the same spec on every machine.
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { PayloadSpec } from '../types.ts';

/** The string literal, double quotes included, that a route's payload replaces. */
export const PAYLOAD_TOKEN = '"$PAYLOAD"';

/**
 * `spec.bytes` characters: `random` is base64 of an AES-256-CTR keystream keyed by the seed (64
 * symbols that need no escaping in a string literal, incompressible beyond base64's 6 bits per byte);
 * `repeat` is the letter "a" repeated.
 */
export function payloadText(spec: PayloadSpec): string {
  if (spec.kind === 'repeat') return 'a'.repeat(spec.bytes);
  const key = createHash('sha256').update(`edgecompat-payload:${spec.seed ?? 0}`).digest();
  const stream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(Math.ceil((spec.bytes * 3) / 4) + 3));
  return stream.toString('base64').slice(0, spec.bytes);
}

/** The route with its payload token replaced by the generated content (as a string literal). */
export function withPayload(route: string, spec: PayloadSpec | undefined): string {
  if (!spec) return route;
  const literal = `"${payloadText(spec)}"`;
  return route.replaceAll(PAYLOAD_TOKEN, () => literal);
}
