#!/usr/bin/env node
// The edgecompat bin: registers tsx so the TypeScript sources run as they are, then starts the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main();
