/**
 * Reading `next build`'s error report: which routes it refused, and why. Next lists every failing
 * module at once, each as a block headed by the module's path, in two formats:
 *
 * Turbopack:                                         webpack (`next build --webpack`):
 *   ./.edgecompat/cache/nextjs/<hash>/routes/k2.js:1:42     ./routes/k2.js
 *   Error: Dynamic Code Evaluation (...) not allowed ...    Dynamic Code Evaluation (...) not allowed ...
 *   > 1 | export default () => ... eval('1+1') ...          Learn More: https://nextjs.org/docs/...
 *   Import trace: ...                                       Import trace for requested module: ...
 *
 * A block starts at an unindented path line (import traces are indented) and is attributed to a route
 * when that path is the route's source (`routes/<key>.js`) or its entry (`.../api/ec/<key>/...`).
 * The message keeps the block from its header to the import trace.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const HEADER = /^\.\/(?:\S*\/)?(routes\/([a-z0-9-]+)\.js|(?:pages|app)\/api\/ec\/([a-z0-9-]+)\/\S*?)(:\d+:\d+)?\s*$/;
const BLOCK_END = /^(Import trace|> Build (error|failed)|\s*at ignore-listed frames|Failed to compile)/;
const OTHER_PATH = /^\.\/\S+$/;

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** One module Next refused, attributed to a route key. */
export interface RouteBuildError {
  key: string;
  message: string;
}

/**
 * Finds the routes a failed `next build` names: route key -> Next's message for it (the blocks that
 * name the route, each trimmed to its header, error line and code frame). Empty when the output
 * names no route, i.e. the build failed for another reason.
 */
export function routeBuildErrors(output: string): Map<string, string> {
  const found = new Map<string, string[]>();
  const lines = stripAnsi(output).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i].trimEnd());
    if (!header) continue;
    const key = header[2] ?? header[3];
    const block = [`${header[1]}${header[4] ?? ''}`];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (BLOCK_END.test(line.trim()) || HEADER.test(line.trimEnd()) || OTHER_PATH.test(line.trimEnd())) {
        i--;
        break;
      }
      block.push(line.trimEnd());
    }
    found.set(key, [...(found.get(key) ?? []), squeeze(block)]);
  }
  return new Map([...found].map(([key, blocks]) => [key, blocks.join('\n\n')]));
}

/** Joins lines, dropping blank runs at the ends and collapsing them inside. */
function squeeze(lines: string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The last lines of a build's output, for an error that names no route. */
export function outputTail(output: string, lines = 30): string {
  return stripAnsi(output).trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}
