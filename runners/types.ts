/**
 * The runner interface: everything the engine needs of a target, and nothing more.
 * See runners/README.md for the contract in prose and a worked plug-in example.
 */
/** One case's route, ready for a runner to host. */
export interface RouteModule {
  /** The case id (for messages and reports). */
  caseId: string;
  /** A short name, unique in the run, made of [a-z0-9-] only: usable as a file name or path segment. */
  key: string;
  /**
   * The route as one JavaScript ES module, bundled for this target as its platform's deploy would
   * (see `Runner.bundling`); its default export is a handler or `{ fetch }`.
   */
  source: string;
  /** Where the route came from, before any bundling: for runners whose platform bundles routes itself. */
  origin?: RouteOrigin;
  /** How long the route may take to load (its case's timeout); a runner that loads it longer gives up on it. */
  loadTimeoutMs?: number;
  /** What the engine's scan found the route may do, of the hazards the runner asked for (`Runner.scanFor`); set before prepare(). */
  hazards?: readonly Hazard[];
}

/** A route as the case wrote it. */
export interface RouteOrigin {
  /** The route's source as written (TypeScript included). */
  source: string;
  lang: 'js' | 'ts';
  /** Absolute path of the route's file, when the case names one (`route: { file }`). */
  file?: string;
  /** Absolute folder the route's relative imports resolve from: its file's, or its case file's for an inline route. */
  resolveDir: string;
}

/**
 * How edgecompat turns a route into what a target hosts, as the target's platform would on deploy.
 * - `esbuild`: one ES module bundled with these export conditions; Node built-ins stay imports for the
 *   runtime to accept or refuse, except that `nodeBuiltins.supported` (when given) lists the only ones
 *   the platform offers, and importing any other is refused when bundling, as the platform's build does.
 *   `provided` lists packages the platform supplies itself (esbuild `external` patterns), left as imports.
 * - `platform`: the target bundles routes itself (Next.js): `source` is the route as written (types
 *   stripped) and `origin` says where it lives, so the platform's own build resolves its imports.
 */
export type Bundling =
  | { kind: 'esbuild'; conditions: string[]; mainFields?: string[]; nodeBuiltins?: { supported: string[] }; provided?: string[]; docs?: string }
  | { kind: 'platform'; docs?: string };

/** A route that the target refused to load or build, or that its platform's deploy refused. */
export interface LoadFailure {
  name: string;
  message: string;
  phase: 'load' | 'build' | 'deploy';
}

/** What a started target offers: a base URL per loaded route, and why the others did not load. */
export interface Loaded {
  /**
   * Case key -> base URL. A request for path `/p?q` goes to `base + '/p?q'`, so a base has no trailing
   * slash (for example `http://127.0.0.1:41234` or `http://127.0.0.1:3000/api/ec/k1`).
   */
  urls: Map<string, string>;
  /** Case key -> why that route is not served. */
  failures: Map<string, LoadFailure>;
  /**
   * Case key -> what the platform's build said about a route it still built (Next's warnings). A
   * warning is not a refusal: the route is served, and the warning is part of the case's observation.
   */
  warnings?: Map<string, string[]>;
}

/** Facts about a column of the matrix, asked of the runtime itself. */
export interface TargetInfo {
  /** The runtime's name: node, edge-runtime, workerd, deno, bun, nextjs, http or a plug-in's own. */
  runtime: string;
  /** The runtime's own version, as it reports it. */
  version: string;
  /** The settings this column runs with (compatibility date, flags, router kind ...). */
  settings: Record<string, unknown>;
  /** Runtime flags in effect, for display. */
  flags: string[];
}

/** How a started target ended without being asked to. */
export interface Exit {
  exitCode: number | null;
  signal: string | null;
  /** The last lines the process wrote to stderr, for the CRASH message. */
  stderrTail?: string;
}

/** What the engine hands a runner. */
export interface RunnerContext {
  /** A private, existing, empty directory for this column's files (apps, configs, modules). */
  workDir: string;
  /** Environment for spawned processes (already includes overrides such as binary paths). */
  env: NodeJS.ProcessEnv;
  /** Progress and diagnostics for humans; never parsed. */
  log(message: string): void;
  /**
   * State shared by every runner of one column in one run (the engine makes several, one per batch):
   * what `prepare()` made once for all of them, such as a build every batch serves.
   */
  shared?: Map<string, unknown>;
  /**
   * Aborts when the run is stopped (Ctrl-C, SIGTERM). Work that can take minutes before any case
   * runs (a build in `prepare()`) should stop then; the engine records nothing for its cases.
   */
  signal?: AbortSignal;
}

/** A target: one column of the matrix. Created by a factory from the registry. */
export interface Runner {
  /** How routes are bundled for this target; default: esbuild with no extra conditions. */
  readonly bundling?: Bundling;
  /** Why this target cannot run here (binary missing ...), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  /**
   * Called with every route of the column before any start(), on each runner of the column: a target
   * that builds once for all its routes (Next.js) builds here, and start() then serves a batch of them.
   */
  prepare?(routes: RouteModule[]): Promise<void>;
  /** Name, real version and settings of the runtime. */
  info(): Promise<TargetInfo>;
  /**
   * Start the target once and load every route into it, each isolated from the others as strongly
   * as the runtime cheaply allows. A route that fails to load is listed in `failures`; the rest load.
   * Binds only 127.0.0.1, on ports the OS picks.
   */
  start(routes: RouteModule[]): Promise<Loaded>;
  /** Resolves when the started target exits without stop() having been called. */
  exited(): Promise<Exit>;
  /** Stop everything start() started; safe to call twice or before start. */
  stop(): Promise<void>;
  /** How this runner keeps cases apart (shown in the report); default: one start() for every route. */
  readonly isolation?: Isolation;
  /**
   * Verified isolation: warm hosts that serve many cases, one at a time, each proving between two
   * cases that what route code can change is as a fresh host has it. A runner without it runs every
   * case with fresh isolation (start() per batch).
   */
  readonly verified?: VerifiedHosting;
  /**
   * Hazards this runner wants to know of before it builds: the engine scans each route it will host
   * (core/check/host-hazards.ts) and sets `RouteModule.hazards` to those of this list it finds,
   * before prepare(). A hint for speed, never a verdict (Next.js builds the routes its build may
   * refuse apart from the others, so one refusal does not cost a build of every route).
   */
  readonly scanFor?: readonly Hazard[];
  /**
   * What a route can reach on this target (the host's files, the network, the environment), in
   * words for the report; built-in runtimes' are in runners/access.ts.
   */
  readonly access?: { files: string; network: string; env: string };
  /**
   * What the column has that some cases require (`requires` in a case): "platform-cache" when a
   * platform's HTTP cache stands in front of its routes (a +cache column, a deployment). A case that
   * requires what the column lacks is SKIP there.
   */
  readonly provides?: Requirement[];
  /**
   * The route module shapes this target can host: a default export (a handler or `{ fetch }`), and
   * HTTP method exports (a Next.js App Router route handler). Default: both (elsewhere than Next, a
   * method-exports module gets a dispatcher, core/run/route-modules.ts). A case whose route has a shape
   * the target cannot host is SKIP there: Next's pages router hosts a default export only.
   */
  readonly routeShapes?: RouteShape[];
  /**
   * What the platform's deploy counts toward its code-size limit for a route, once prepare() has run,
   * when that is not the route's bundle (`RouteModule.source`): Next's own build output. Undefined for
   * a route the build refused.
   */
  deployedCode?(route: RouteModule): Promise<Uint8Array[] | undefined>;
  /** A mark in what the started target has printed so far (stdout and stderr), for outputSince. */
  outputCursor?(): number;
  /** What the started target printed after `cursor`, as a bounded excerpt. */
  outputSince?(cursor: number): string;
}

/**
 * What a route may do, as the static scan of core/check/host-hazards.ts finds it in a route's bundle:
 * what a warm host's proof cannot read on some runtime (the first five), and what may fail its load:
 * - `timers`: starts a timer (setTimeout, setInterval, setImmediate), which may fire in a later case;
 * - `global-listeners`: adds a listener to the global object (addEventListener), which no property shows;
 * - `code-from-strings`: compiles code at run time (eval, Function), which the scan cannot read;
 * - `node-builtins`: imports a Node built-in whose state lies outside its exports (fs, child_process,
 *   async_hooks ...), or imports one by a name the scan cannot read;
 * - `files`: writes files (Bun.write, Deno.writeFile ...);
 * - `top-level-throw`: a throw or an await that runs while the module loads, which may fail its load
 *   (asked for by a runner whose platform loads routes at build: Next.js, `Runner.scanFor`).
 */
export type Hazard = 'timers' | 'global-listeners' | 'code-from-strings' | 'node-builtins' | 'files' | 'top-level-throw';

/** A runner's warm hosts (see Runner.verified). */
export interface VerifiedHosting {
  /** What the proof reads on this runtime, in words, for the report. */
  readonly proves: string;
  /** What the proof cannot read on this runtime: a route the scan finds doing one of these gets a fresh host. */
  readonly blindTo: readonly Hazard[];
  /**
   * Starts a host that may serve any of `routes`, one at a time, and resolves once it has taken its
   * baseline (nothing of the routes loaded yet). Binds only 127.0.0.1, on ports the OS picks.
   */
  open(routes: RouteModule[]): Promise<WarmHost>;
}

/** A started warm host: one route at a time, loaded, asked, and proven gone. */
export interface WarmHost {
  /**
   * Loads and serves one route: its base URL in `urls`, or why it did not load in `failures`. A route
   * that never finishes loading, or ends the host while loading, is named in a LoadFault.
   */
  load(key: string): Promise<Loaded>;
  /**
   * Stops serving the route, waits for what it left running to end, and compares the host with its
   * baseline: the changes in words, none when the host is as it started.
   */
  prove(key: string): Promise<string[]>;
  /** Resolves when the host exits without stop() having been called. */
  exited(): Promise<Exit>;
  /** Stops the host; safe to call twice. */
  stop(): Promise<void>;
  /** A mark in what the host has printed so far. */
  outputCursor(): number;
  /** What the host printed after `cursor`, as a bounded excerpt. */
  outputSince(cursor: number): string;
}

/** What a column must have for a case to mean anything there (a case's `requires`, a runner's `provides`). */
export type Requirement = 'platform-cache';

/** A route module's shape: what it exports for the target to call. */
export type RouteShape = 'default-export' | 'method-exports';

/** How a runner keeps cases apart. */
export interface Isolation {
  /** What each route has to itself, in words: "a process per route", "an isolate per route". */
  description: string;
  /**
   * The most routes one start() takes; the engine loads more in batches of at most this many, each
   * batch its own start() on its own runner (default: every route in one start()).
   */
  maxRoutesPerStart?: number;
}

/** Builds a runner for one column from its settings. */
export type RunnerFactory = (settings: Record<string, unknown>, ctx: RunnerContext) => Runner;

/** A column of the matrix: a runner with settings, under its own name. */
export interface TargetConfig {
  /** Column name, unique in a run: "workerd", "workerd-2024-09-23", "workerd-nodejs-compat". */
  name: string;
  /** The registry key of the runner that hosts it. */
  runner: string;
  settings: Record<string, unknown>;
  /** Included in the default matrix (npm start). */
  default?: boolean;
  /**
   * The only areas this column runs (default: all); its other cases are SKIP. A column that puts a
   * platform's cache in front of a runtime runs the caching area: the runtime's own column judges
   * the rest, and a failure elsewhere would be the proxy's, not the runtime's.
   */
  areas?: string[];
}

/** What a plug-in module exports as its default. */
export interface PluginRunner {
  /** The runner's name; also the column name when `targets` is not given. */
  name: string;
  create: RunnerFactory;
  /** The columns it offers, each with its own settings; `runner` is filled in with `name`. */
  targets?: Array<Omit<TargetConfig, 'runner'>>;
  /** The runner interface version it was written for (see runners/kit); a module without one is taken for version 1. */
  interfaceVersion?: number;
  /** A JSON Schema for one column's settings (without `sizeLimit`), checked when the columns are set up. */
  settingsSchema?: Record<string, unknown> | boolean;
}
