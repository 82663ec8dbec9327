/**
 * Code-size limits as the platforms apply them on deploy: the limit of a profile's plan, the size of
 * what the platform counts (joined into one buffer, gzip'd with zlib's default level where the plan's
 * limit is after compression, as Vercel's builder and wrangler both do), and the platform's own
 * refusal when it is over. One source for the columns (the deploy phase), `check` and the tests.
 */
import { gzipSync } from 'node:zlib';
import { InputError } from '../schemas/input-error.ts';
import { loadProfile, profileNames, type SizePlan } from './profiles.ts';

/** A plan's code-size limit, resolved from its profile, with what is needed to apply and cite it. */
export interface SizeLimit extends SizePlan {
  /** "vercel/hobby": the profile and the plan. */
  id: string;
  profile: string;
  plan: string;
  /** "Vercel Hobby". */
  label: string;
  /** Where the plan's limit is documented. */
  source: string;
  refusal?: { template: string; sizeUnit?: { name: string; bytes: number } };
}

/** What was measured: the counted parts joined as they are, and gzip'd. */
export interface SizeMeasure {
  rawBytes: number;
  gzipBytes: number;
}

/** A route's size against a limit: the figures a deploy decides on, for reports and messages. */
export interface SizeFigures extends SizeMeasure {
  /** The limit's id ("vercel/hobby"). */
  limit: string;
  limitBytes: number;
  compression: SizePlan['compression'];
  /** The figure compared with the limit: gzipBytes or rawBytes. */
  measuredBytes: number;
  over: boolean;
  source: string;
}

/**
 * The limit that `spec` names: "<profile>" (its default plan) or "<profile>/<plan>". An unknown
 * profile or plan, or a profile without size limits, is an InputError.
 */
export function resolveSizeLimit(spec: string): SizeLimit {
  const [name, planName, ...rest] = spec.split('/');
  const file = `profiles/${name}.yaml`;
  const withLimits = () => profileNames().filter((n) => loadProfile(n).limits).join(', ');
  if (rest.length > 0 || !name) throw new InputError([{ file: spec, message: `a size limit is "<profile>" or "<profile>/<plan>"; profiles: ${withLimits()}` }]);
  const profile = loadProfile(name);
  const codeSize = profile.limits?.codeSize;
  if (!codeSize) throw new InputError([{ file, path: '/limits', message: `profile "${name}" has no size limits; profiles with some: ${withLimits()}` }]);
  const plan = planName ?? codeSize.defaultPlan;
  const rule = codeSize.plans[plan];
  if (!rule) throw new InputError([{ file, path: `/limits/codeSize/plans`, message: `profile "${name}" has no plan "${plan}"; its plans: ${Object.keys(codeSize.plans).join(', ')}` }]);
  return {
    ...rule.value,
    id: `${name}/${plan}`,
    profile: name,
    plan,
    label: rule.value.title.startsWith(profile.title) ? rule.value.title : `${profile.title} ${rule.value.title}`,
    source: rule.source,
    ...(codeSize.refusal ? { refusal: codeSize.refusal.value } : {}),
  };
}

/** Every limit of every built-in profile, as "<profile>/<plan>". */
export function sizeLimitIds(): string[] {
  return profileNames().flatMap((name) => Object.keys(loadProfile(name).limits?.codeSize.plans ?? {}).map((plan) => `${name}/${plan}`));
}

/** The size of the counted parts, joined into one buffer as the platforms join them, as is and gzip'd. */
export function measureCode(parts: Array<Uint8Array | string>): SizeMeasure {
  const joined = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  return { rawBytes: joined.length, gzipBytes: gzipSync(joined).length };
}

/** The measure against the limit. */
export function sizeFigures(measure: SizeMeasure, limit: SizeLimit): SizeFigures {
  const measuredBytes = limit.compression === 'gzip' ? measure.gzipBytes : measure.rawBytes;
  return { ...measure, limit: limit.id, limitBytes: limit.bytes, compression: limit.compression, measuredBytes, over: measuredBytes > limit.bytes, source: limit.source };
}

/** Bytes in a short human form: "1,081,344 B". */
export function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} B`;
}

/** The figures in one line: "raw 1,400,000 B, gzip 1,081,344 B; limit 1,048,576 B after gzip (vercel/hobby, <source>)". */
export function describeFigures(f: SizeFigures): string {
  const how = f.compression === 'gzip' ? 'after gzip' : 'as is';
  return `raw ${bytes(f.rawBytes)}, gzip ${bytes(f.gzipBytes)}; limit ${bytes(f.limitBytes)} ${how} (${f.limit}, ${f.source})`;
}

/**
 * The platform's refusal of a route over the limit, in its own wording where the profile has one,
 * else a plain statement of the limit; `route` names the route as the platform would.
 */
export function refusalMessage(f: SizeFigures, limit: SizeLimit, route: string): string {
  const template = limit.refusal?.template;
  if (!template) return `${route} is ${bytes(f.measuredBytes)}${f.compression === 'gzip' ? ' after gzip' : ''}, over the ${limit.label} limit of ${limit.display}`;
  const unit = limit.refusal?.sizeUnit ?? { name: 'MB', bytes: 1024 * 1024 };
  const size = `${(f.measuredBytes / unit.bytes).toFixed(2)} ${unit.name}`;
  return template.replaceAll('{route}', route).replaceAll('{size}', size).replaceAll('{limit}', limit.display);
}
