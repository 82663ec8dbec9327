#!/usr/bin/env node
// Run after every `npm install` that changes package-lock.json (npm run fix-lock).
// The registry this project installs from serves only the linux-x64 builds of the runtimes'
// platform packages (@deno/*, @next/swc-*, @cloudflare/workerd-*), so npm records the others
// nowhere in the lock, and `npm ci` then refuses the lock ("Missing: @deno/darwin-arm64@ from lock
// file"). This adds each missing optional platform package as an entry with its os and cpu, which
// `npm ci` skips on this platform without fetching it.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const platform = (name) => ({
  os: /darwin/.test(name) ? 'darwin' : /win32|windows/.test(name) ? 'win32' : /freebsd/.test(name) ? 'freebsd' : /linux/.test(name) ? 'linux' : undefined,
  cpu: /arm64|aarch64/.test(name) ? 'arm64' : /x64|-64$/.test(name) ? 'x64' : /ia32/.test(name) ? 'ia32' : undefined,
});
const added = [];
for (const entry of Object.values(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`]) continue;
    const { os, cpu } = platform(name);
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}; add its lock entry by hand`);
    packages[`node_modules/${name}`] = { version, optional: true, os: [os], cpu: [cpu] };
    added.push(`${name}@${version} (${os}/${cpu})`);
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} platform entries:\n  ${added.join('\n  ')}` : 'the lock already lists every optional platform package');
