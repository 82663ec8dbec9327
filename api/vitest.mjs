// `edgecompat/vitest`: edge cases as vitest tests (vitest.ts), loadable from plain Node.
import './register.mjs';

const entry = await import('./vitest.ts');
export const { edgecompatTests } = entry;
