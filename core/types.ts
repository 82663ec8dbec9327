/**
 * The shared vocabulary of edgecompat: cases as loaded from suites/, what a target was seen to do,
 * and the verdicts the judge gives. Every other module speaks in these types.
 */
import type { SizeFigures } from '../profiles/code-size.ts';
import type { Requirement } from '../runners/types.ts';

/** The fixed set of verdicts a case can get on a target. */
export const STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'CRASH', 'ERROR', 'SKIP'] as const;
/** One verdict. */
export type Status = (typeof STATUSES)[number];

/**
 * A request body given as text, JSON, base64 bytes or chunks (exactly one). `chunks` are UTF-8 text
 * sent as a stream (chunked transfer coding), one write per chunk, `intervalMs` apart (default 0).
 */
export interface BodySpec {
  text?: string;
  json?: unknown;
  base64?: string;
  chunks?: string[];
  /** With `chunks`: the pause before each chunk after the first. */
  intervalMs?: number;
}

/** One HTTP request a case sends to its route. */
export interface RequestSpec {
  method: string;
  /** Path with query, beginning with "/". */
  path: string;
  headers?: Record<string, string>;
  body?: BodySpec;
  /** The client gives up on the request this many ms after sending it (to test disconnects). */
  abortAfterMs?: number;
}

/**
 * What one header must be. `equals` and `matches` apply to the field value: the values of all field
 * lines of that name joined with ", " (RFC 9110 section 5.3), except Set-Cookie, whose lines are
 * joined with "\n" since they cannot be combined (RFC 9110 section 5.3, RFC 6265 section 3).
 */
export interface HeaderExpect {
  equals?: string;
  matches?: string;
  absent?: boolean;
  /** The exact values of the field lines of that name as sent, in order: one string per field line. */
  fieldLines?: string[];
}

/** What the response body must be. */
export interface BodyExpect {
  equals?: string;
  contains?: string;
  regex?: string;
  /** The body parses as JSON and contains this value as a subset. */
  json?: unknown;
  length?: number;
  sha256?: string;
}

/** What the arrival of body chunks must show. */
export interface StreamExpect {
  minChunks?: number;
  /** The first body chunk arrives within this many ms of sending the request. */
  firstChunkWithinMs?: number;
  /** Some gap between two consecutive chunks is at least this many ms. */
  gapAtLeastMs?: number;
  /** The response has no content-length header (it is streamed, not buffered). */
  noContentLength?: boolean;
}

/** The expectations on one response. */
export interface ResponseExpect {
  status?: number | number[];
  headers?: Record<string, HeaderExpect>;
  body?: BodyExpect;
  stream?: StreamExpect;
  /** The request is aborted by the client (abortAfterMs) and that is all that is expected of it. */
  aborted?: boolean;
  /** Reading the body fails: the target ends the response with an error instead of a whole body. */
  bodyError?: boolean;
  /** Which run of the route the response came from (see InvocationExpect). */
  invocation?: InvocationExpect;
  /**
   * The body is a subtest report (core/judge/subtests.ts): the case passes when every vector passed;
   * `total`, when given, is how many vectors the file holds, so a run that lost some fails.
   */
  subtests?: { total?: number };
}

/** The response header a route sets to a new value every time it runs: which run answered. */
export const INVOCATION_HEADER = 'x-invocation';

/**
 * Which run of the route a response came from, told by its `x-invocation` header: `sameAs: n` says
 * the route did not run again (a cache answered with request n's response), `notSameAs: n` that this
 * is not request n's response. Request numbers are 1-based and refer to earlier requests.
 */
export interface InvocationExpect {
  sameAs?: number;
  notSameAs?: number;
}

/** What an error must look like (probe errors and load refusals). */
export interface ErrorExpect {
  name?: string;
  /** A substring the message must contain. */
  message?: string;
  /** A regular expression the message must match. */
  messageMatches?: string;
}

/**
 * The short form for API-surface cases: an expression evaluated inside the handler (`expr`), or a
 * support probe (`api`, `call`, `support`) that tells a missing API, a stub and a working one apart.
 */
export interface ProbeSpec {
  /** A JavaScript expression; awaited if it gives a promise. */
  expr?: string;
  /** The support probe's API: a name or property path (`process.cwd`). */
  api?: string;
  /** How the support probe uses the API; `api()` when not given. */
  call?: string;
  /** The supports that pass (`missing`, `stub`, `working`). */
  support?: Support[];
  /** The JSON value the expression must give. */
  value?: unknown;
  /** What `typeof` the value must be. */
  typeof?: string;
  /** The expression must throw (or reject) with an error like this. */
  throws?: ErrorExpect;
}

/** One request of a case and what its response must be. */
export interface Step {
  request: RequestSpec;
  expect: ResponseExpect;
  /**
   * When to send this request: "previous-done" (default) waits for the previous response to end,
   * "previous-first-chunk" sends it as soon as the previous response's first body chunk arrived.
   */
  startAfter: 'previous-done' | 'previous-first-chunk';
  /** Wait this many ms once the request may start (to let a cached response go stale). */
  waitMs?: number;
}

/** A case as loaded and normalised from its YAML file. */
export interface Case {
  id: string;
  title: string;
  area: string;
  feature: string;
  tags: string[];
  source: string;
  /** The suite file the case came from, relative to the working directory. */
  file: string;
  /** The line of the case's id in that file. */
  line?: number;
  timeoutMs: number;
  /** Set when the case's route comes from a file next to the case file. */
  routeFile?: string;
  /** The absolute folder the route's relative imports resolve from (its file's, else the case file's). */
  resolveDir: string;
  /** The route as an ES module (JavaScript or TypeScript, see routeLang). */
  route: string;
  routeLang: 'js' | 'ts';
  probe?: ProbeSpec;
  /** The route must be refused when it is loaded or built (the forbidden-import cases). */
  refused?: ErrorExpect;
  /** What the column must have (a platform's cache in front of the route); other columns SKIP the case. */
  requires?: Requirement[];
  /**
   * The code-size limit the case states ("vercel/hobby"): it runs on the columns that deploy under
   * that limit and is SKIP on the others.
   */
  sizeLimit?: string;
  /**
   * The platform whose documented behaviour the case states (a profile name: "vercel"): it runs on the
   * columns that stand for that platform and is SKIP on the others.
   */
  platform?: string;
  /** Generated content the route's `"$PAYLOAD"` string stands for (the size-limit cases). */
  payload?: PayloadSpec;
  /**
   * The case is known to give different statuses from run to run, and why: `npm run flakes` lists it
   * apart. It changes nothing about how the case is run or judged.
   */
  flaky?: { reason: string };
  steps: Step[];
}

/**
 * Generated, seeded content for a route's `"$PAYLOAD"`: `random` is base64 of a seeded pseudo-random
 * stream (it gzips to about 3/4 of its length and no further); `repeat` is one character repeated
 * (it gzips to almost nothing).
 */
export interface PayloadSpec {
  bytes: number;
  kind: 'random' | 'repeat';
  seed?: number;
}

/** The error a route or a probe produced, as seen. */
export interface SeenError {
  name: string;
  message: string;
}

/** One body chunk as the client read it. */
export interface ChunkSeen {
  /** ms since the request was sent. */
  atMs: number;
  bytes: number;
}

/** What the client saw of one request. */
export interface StepObservation {
  /** Absent when no response came (connection error, timeout, abort). */
  status?: number;
  /**
   * Every response header field line as it came off the wire, in order: `[name, value]`, the name
   * spelled as the target sent it. The only record of the headers: a name's value is derived from it
   * (runners/header-fields.ts), so a folded line and two lines stay told apart.
   */
  headerFields?: Array<[string, string]>;
  /** The body as text (UTF-8, lossy), cut to a bounded excerpt. */
  bodyExcerpt?: string;
  bodyLength?: number;
  bodySha256?: string;
  /** ms from sending the request to the response head. */
  headersAtMs?: number;
  chunks?: ChunkSeen[];
  /** The full body as text when short enough to judge exactly (equals, json); undefined if cut. */
  bodyText?: string;
  /** A transport error (connection reset, refused). */
  error?: SeenError;
  /** The client aborted the request as the case asked. */
  aborted?: boolean;
  /** The case timeout ran out while this step was in flight. */
  timedOut?: boolean;
}

/** What happened when a case ran on a target: the judge's whole input besides the case. */
export interface Observation {
  /** What the platform's build warned about a route it built and served (Next.js). */
  buildWarnings?: string[];
  /** The target refused the route when loading, building or deploying it (over its size limit). */
  loadError?: SeenError & { phase: 'load' | 'build' | 'deploy' };
  /** The route's code size against the column's limit, as its platform's deploy measured it. */
  size?: SizeFigures;
  /** The route did not finish loading within this many ms (it loops or awaits for ever at top level). */
  loadTimedOutMs?: number;
  /** The target process died while the case ran (or while its route loaded). */
  crashed?: { exitCode: number | null; signal: string | null; stderrTail?: string };
  /** The case could not be run for a reason that is edgecompat's or the environment's. */
  harnessError?: SeenError;
  /** The case was not run (the reason says why). */
  skipped?: string;
  /** What the target printed (stdout and stderr) while the case was in flight: a bounded excerpt. */
  output?: string;
  steps: StepObservation[];
}

/** A case's subtests (a file of vectors run inside one route), as judged on one target. */
export interface SubtestTally {
  passed: number;
  total: number;
  /** The failing vectors, each with what was expected and what was seen; `known` when the expectations list it. */
  failures: SubtestFailure[];
  /** Subtests the expectations list as failing that passed on this run. */
  nowPassing?: string[];
}

/** One failing vector. */
export interface SubtestFailure {
  name: string;
  expected?: unknown;
  seen?: unknown;
  known?: boolean;
}

/** The judge's answer. */
export interface Verdict {
  status: Status;
  message: string;
  /** What a support probe found (shown beside the status: a stub is not support). */
  support?: Support;
  /** A subtest case's tally. */
  subtests?: SubtestTally;
}

/**
 * How far an API is supported, as a support probe tells: `missing` (the name does not resolve to
 * anything), `stub` (it exists but calling it throws, like Next's `process.cwd` or a nodejs_compat
 * placeholder) or `working` (calling it gives a value).
 */
export type Support = 'missing' | 'stub' | 'working';
