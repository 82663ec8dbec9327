/** Types of source-bundle.mjs (plain JavaScript: it runs before TypeScript can be loaded). */
export function importSources(entry: string): Promise<Record<string, unknown>>;
export function sourceBundle(entry: string, root?: string): Promise<{ file: string; made: boolean }>;
