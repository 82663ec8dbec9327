// Preloaded into `edgecompat run` by the benchmark (node --import): when the process exits, writes
// its own peak resident memory and CPU time as JSON to the file EDGECOMPAT_BENCH_USAGE names.
import { writeFileSync } from 'node:fs';

const file = process.env.EDGECOMPAT_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
  });
}
