/** Module name (without `node:`) -> the exports an edge route sees (see node-modules.mjs). */
export declare const EDGE_NODE_MODULES: Record<string, string[]>;
/** The module name behind a specifier the Edge Runtime offers, else undefined. */
export declare function edgeNodeModule(specifier: string): string | undefined;
