/**
 * Whether a route module may fail while it loads by its own doing: a `throw` statement or an `await`
 * (a `for await` included) that runs when the module is evaluated, at its top level or in a block,
 * class static block or initializer run there, not inside a function. Next.js's app router loads
 * each route while it collects page data at build, and a route that fails there fails the build, one
 * route a pass (runners/nextjs/build.ts); the scan lets such routes be built apart. It is a hint for
 * speed, never a verdict: a module it cannot parse counts as one that may throw.
 */
import { loadBabel } from './babel.ts';

/** Words without which a module has nothing this scan looks for (it is then not parsed). */
const WORDS = /\b(?:throw|await)\b/;

/** True when the module has a throw or an await that runs while it loads. */
export async function throwsAtTopLevel(source: string): Promise<boolean> {
  if (!WORDS.test(source)) return false;
  let found = false;
  try {
    const { parse, traverse } = await loadBabel();
    const ast = parse(source, { sourceType: 'module', errorRecovery: false });
    traverse(ast, {
      // A function's body runs when it is called, not when the module loads.
      Function(path) {
        path.skip();
      },
      ThrowStatement(path) {
        found = true;
        path.stop();
      },
      AwaitExpression(path) {
        found = true;
        path.stop();
      },
      ForOfStatement(path) {
        if (path.node.await) {
          found = true;
          path.stop();
        }
      },
    });
  } catch {
    return true;
  }
  return found;
}
