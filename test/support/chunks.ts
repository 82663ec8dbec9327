/**
 * Reading a response body chunk by chunk with the time each chunk arrived, for runner tests that
 * check streaming without the engine.
 */

/** One body chunk as text with its arrival time in ms since the request. */
export interface TimedChunk {
  text: string;
  at: number;
}

/** Fetches `url` and reads its body, chunk by chunk. */
export async function chunksOf(url: string): Promise<TimedChunk[]> {
  const t0 = performance.now();
  const response = await fetch(url);
  const reader = response.body!.getReader();
  const chunks: TimedChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push({ text: Buffer.from(value).toString(), at: performance.now() - t0 });
  }
}
