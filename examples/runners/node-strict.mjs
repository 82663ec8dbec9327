// node-strict: a column that runs each route in Node started with --disallow-code-generation-from-strings,
// hosted as the node column hosts routes (a node:http server per route), built on edgecompat's runner kit.
import { defineRunner, NODE_HOST, RUNNER_INTERFACE_VERSION, runtimeVersion, spawnControlled, writeHostEntry } from 'edgecompat/runner-kit';

const FLAGS = ['--disallow-code-generation-from-strings'];

export default defineRunner({
  name: 'node-strict',
  interfaceVersion: RUNNER_INTERFACE_VERSION,
  settingsSchema: { type: 'object', properties: { execPath: { type: 'string' } }, additionalProperties: false },
  create(settings, ctx) {
    const node = settings.execPath ?? process.execPath;
    let target; // the running process, one per start()
    const stop = async () => {
      const running = target;
      target = undefined;
      await running?.stop();
    };
    return {
      bundling: { kind: 'esbuild', conditions: ['node'] },
      isolation: { description: `a process per route, node ${FLAGS.join(' ')}`, maxRoutesPerStart: 1 },
      unavailable: async () => undefined,
      info: async () => ({ runtime: 'node', version: await runtimeVersion(node, /^v(\S+)/m, ctx.env), settings, flags: FLAGS }),
      async start(routes) {
        await stop();
        const entry = await writeHostEntry(ctx.workDir, routes, NODE_HOST);
        target = spawnControlled(node, [...FLAGS, entry], { cwd: ctx.workDir, env: ctx.env });
        return target.ready(routes); // on failure it has stopped the process and says why
      },
      exited: () => target?.exited() ?? new Promise(() => {}),
      stop,
      outputCursor: () => target?.outputCursor() ?? 0,
      outputSince: (cursor) => target?.outputSince(cursor) ?? '',
    };
  },
});
