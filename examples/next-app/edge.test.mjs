// The edge cases as vitest tests: `npx vitest run` (or `npx vitest` to watch), one test per case and
// target, named `target > case id`, failing as the gate fails (edgecompat.config.yaml says what runs).
import { fileURLToPath } from 'node:url';
import { edgecompatTests } from 'edgecompat/vitest';

await edgecompatTests({ config: fileURLToPath(new URL('./edgecompat.config.yaml', import.meta.url)) });
