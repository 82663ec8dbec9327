// A streaming route handler: one NDJSON line per step of a job, sent as each step finishes, so the
// client shows progress at once instead of after the whole job.
export const runtime = 'edge';

/** How long one step of the job takes. */
const STEP_MS = 1000;
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function GET(request: Request): Response {
  const asked = Number(new URL(request.url).searchParams.get('steps') ?? 3);
  const steps = Number.isInteger(asked) ? Math.min(Math.max(asked, 1), 10) : 3;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let step = 1; step <= steps; step++) {
        if (step > 1) await sleep(STEP_MS);
        controller.enqueue(encoder.encode(`${JSON.stringify({ step, of: steps })}\n`));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
}
