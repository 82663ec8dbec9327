/**
 * `edgecompat/runner-kit`: what a vendor needs to write a plug-in runner (runners/kit/). See
 * runners/README.md.
 */
export * from '../runners/kit/index.ts';
