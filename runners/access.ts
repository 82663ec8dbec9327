/**
 * What each built-in target lets a route reach (files, network, environment), as data: the report's
 * target info shows it. Each line was observed, not assumed: test/least-privilege.test.ts runs a
 * route that tries each on every column and checks it against these words (`reachable` below).
 */
import { TARGET_ENV_DESCRIPTION } from './host/target-env.ts';

/** What a route can reach on a target, in words, and whether it reached each in the probe. */
export interface Access {
  files: string;
  network: string;
  env: string;
  /** Whether a route can read a file of the host, and fetch a server on 127.0.0.1 (the probe's facts). */
  reachable: { hostFiles: boolean; loopbackFetch: boolean };
}

const UNSANDBOXED_FILES = 'every file edgecompat\'s user may read or write: the runtime has no sandbox';
const ANY_NETWORK = 'anything the machine reaches, loopback included';

/** By built-in runner name; a +cache column (the platform-cache runner) has its runtime's. */
export const ACCESS: Record<string, Access> = {
  node: { files: UNSANDBOXED_FILES, network: ANY_NETWORK, env: TARGET_ENV_DESCRIPTION, reachable: { hostFiles: true, loopbackFetch: true } },
  bun: { files: UNSANDBOXED_FILES, network: ANY_NETWORK, env: TARGET_ENV_DESCRIPTION, reachable: { hostFiles: true, loopbackFetch: true } },
  'edge-runtime': { files: 'none: the Edge Runtime offers a route no file API', network: `fetch to ${ANY_NETWORK}`, env: 'none: no process object in the route\'s context', reachable: { hostFiles: false, loopbackFetch: true } },
  deno: {
    files: 'none: no --allow-read or --allow-write (Deno refuses with NotCapable)',
    network: 'serving on 127.0.0.1 at an OS-chosen port only (--allow-net=127.0.0.1:0): any fetch is refused with NotCapable',
    env: 'none: no --allow-env (Deno.env and process.env throw NotCapable)',
    reachable: { hostFiles: false, loopbackFetch: false },
  },
  workerd: {
    files: 'none of the host\'s: node:fs, with nodejs_compat, is workerd\'s own virtual file system',
    network: 'public addresses only: workerd\'s default internet service refuses loopback and private ones',
    env: 'none: workerd gives a route its bindings, not an environment',
    reachable: { hostFiles: false, loopbackFetch: false },
  },
  miniflare: {
    files: 'none of the host\'s: workerd\'s own virtual file system',
    network: `${ANY_NETWORK} (Miniflare's outbound service)`,
    env: 'none: workerd gives a route its bindings, not an environment',
    reachable: { hostFiles: false, loopbackFetch: true },
  },
  nextjs: { files: 'none: Next\'s edge sandbox offers a route no file API', network: `fetch to ${ANY_NETWORK}`, env: `process.env of the Next server, which gets ${TARGET_ENV_DESCRIPTION}`, reachable: { hostFiles: false, loopbackFetch: true } },
};
