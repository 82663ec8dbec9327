// A route that imports a helper of its own and an npm package, as real routes do.
import { runtimeKey } from 'ec-runtime-key';
import { greet } from './lib.ts';

export default (): Response => Response.json({ greeting: greet('edge'), runtimeKey });
