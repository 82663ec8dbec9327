/**
 * The connection pool edgecompat reaches targets through: the engine's client sends every case
 * request with it, and a platform's cache in front of a target (runners/platform-cache) forwards
 * to the target with one of its own.
 */
import { Agent } from 'undici';

/** One connection pool per run; no pipelining, so one slow response never holds up another. */
export function createClientAgent(): Agent {
  return new Agent({ pipelining: 0, connections: 64, keepAliveTimeout: 1000 });
}
