/** edgecompat's own version, from its package.json. */
import { readFileSync } from 'node:fs';

/** The version of this edgecompat. */
export const EDGECOMPAT_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
