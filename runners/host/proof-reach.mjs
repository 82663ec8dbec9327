/**
 * What a warm host's proof reads (realm-proof.mjs), for runtimes with Node's `process` (Node, Bun,
 * Deno's Node compatibility, edge-runtime's host process): the roots of the walk and the facts of
 * the process that no property holds.
 */

/**
 * The built-in modules the routes of a warm host import, loaded before the baseline so that what a
 * route does to one (a patched `fs.readFile`) is in the walk; each module's namespace and, where it
 * has one, its default export (the CommonJS exports object) become roots.
 * @param {string[]} specifiers like 'node:buffer'
 */
export async function builtinRoots(specifiers) {
  const roots = [];
  for (const specifier of specifiers) {
    const namespace = await import(specifier);
    roots.push([`import(${JSON.stringify(specifier)})`, namespace]);
    if (namespace.default && (typeof namespace.default === 'object' || typeof namespace.default === 'function')) roots.push([`import(${JSON.stringify(specifier)}).default`, namespace.default]);
  }
  return roots;
}

/** Each name's count, sorted: a list of resources as one comparable line. */
function tally(names) {
  const counts = new Map();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, n]) => `${name} x${n}`).join(', ') || 'none';
}

/** The process's resources that keep it busy (timers, sockets, handles), as Node's process shows them; undefined where it does not. */
export function activeResources() {
  return typeof process.getActiveResourcesInfo === 'function' ? tally(process.getActiveResourcesInfo()) : undefined;
}

/**
 * Process-level facts no property holds: the working folder, the file mode mask (read by setting it
 * and setting it back, since reading it alone is deprecated: https://nodejs.org/api/process.html#processumask),
 * the exit code, the title, the timers and handles still open, the performance entries, and whether
 * an uncaught-exception capture callback is set. A fact the runtime does not offer is left out.
 */
export function processFacts() {
  const facts = {};
  const add = (name, read) => {
    try {
      const value = read();
      if (value !== undefined) facts[name] = String(value);
    } catch {
      // not offered by this runtime
    }
  };
  add('process.cwd()', () => process.cwd());
  add('process.umask()', () => {
    const mask = process.umask(0o022);
    process.umask(mask);
    return mask.toString(8);
  });
  add('process.exitCode', () => `${process.exitCode}`);
  add('process.title', () => process.title);
  add('open timers and handles', activeResources);
  add('performance entries', () => performance.getEntries().map((e) => `${e.entryType}:${e.name}`).join(', ') || 'none');
  add('process.hasUncaughtExceptionCaptureCallback()', () => process.hasUncaughtExceptionCaptureCallback?.());
  return facts;
}
