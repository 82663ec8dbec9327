/**
 * Platform profiles: what a platform does around an edge route (its cache, its code-size limits,
 * what its runtime offers a route's code), as data in
 * profiles/<platform>.yaml, one rule per field with its source, validated by
 * schemas/profile.schema.json.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { InputError } from '../schemas/input-error.ts';
import { validateProfile } from '../schemas/validators.ts';
import { parseYamlFile } from '../schemas/input-file.ts';

/** One rule of a profile: its value and where the platform says so. */
export interface Rule<T> {
  value: T;
  source: string;
  note?: string;
}

/** What the platform's cache says about what it did, per outcome. */
export interface CacheStatusHeader {
  header: string;
  hit: string;
  miss: string;
  stale?: string;
  revalidated?: string;
  bypass: string;
  uncached?: string;
}

/** The platform's HTTP cache in front of its edge routes. Header names are in lower case. */
export interface CacheProfile {
  inFrontOfRoutes: Rule<boolean>;
  precedence: Rule<string[]>;
  notForwarded?: Rule<string[]>;
  defaultCacheControl?: Rule<string>;
  clientCacheControl?: Rule<{ whenDirective: string; becomes: string }>;
  methods: Rule<Array<'GET' | 'HEAD'>>;
  headAsGet?: Rule<boolean>;
  bypass?: Rule<Array<{ requestHeader?: string; cookie?: string; query?: string }>>;
  notStored?: Rule<Array<{ responseHeader?: string; varyOn?: string }>>;
  staleWhileRevalidate: Rule<boolean>;
  queryInKey: Rule<boolean>;
  status: Rule<CacheStatusHeader>;
}

/** One plan's code-size limit. */
export interface SizePlan {
  /** The plan as the platform names it ("Hobby", "Workers Free"). */
  title: string;
  bytes: number;
  /** The limit as the platform writes it ("1 MB", "3 MiB"). */
  display: string;
  /** gzip: the limit applies to the gzip size (zlib, default level); none: to the size as is. */
  compression: 'gzip' | 'none';
}

/** The most code a route may deploy, per plan, how it is counted, and the platform's refusal. */
export interface CodeSizeProfile {
  defaultPlan: string;
  plans: Record<string, Rule<SizePlan>>;
  counts: Rule<{ what: string; excludes?: string }>;
  refusal?: Rule<{ template: string; sizeUnit?: { name: string; bytes: number } }>;
}

/** The platform's words for a forbidden use ({what} is filled in). */
export interface Wording {
  dynamicCode?: Rule<string>;
  nodeApi?: Rule<string>;
  nodeModule?: Rule<string>;
  require?: Rule<string>;
}

/** A platform profile. */
export interface PlatformProfile {
  platform: string;
  title: string;
  cache?: CacheProfile;
  limits?: { codeSize: CodeSizeProfile };
  code?: { nodeBuiltins?: Rule<'all' | string[]>; wording?: Wording };
}

const folder = new URL('./', import.meta.url);

/** Profiles of the user's own (a config's `profiles`): platform name -> file. */
const extra = new Map<string, string>();

/** The names of the known profiles: the files in profiles/, and those added with addProfileFiles. */
export function profileNames(): string[] {
  const builtIn = readdirSync(folder).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length));
  return [...builtIn, ...extra.keys()].sort();
}

const loaded = new Map<string, PlatformProfile>();

/**
 * Adds profile files of the user's own (same format and schema as profiles/): each is known by its
 * `platform` field from then on. A file that is invalid, or names a platform already known, is an
 * InputError naming the file.
 */
export function addProfileFiles(files: string[]): void {
  for (const file of files) {
    if (!existsSync(file)) throw new InputError([{ file, message: 'no such profile file' }]);
    const parsed = parseYamlFile<PlatformProfile>(file, readFileSync(file, 'utf8'), validateProfile);
    if (!parsed.data) throw new InputError(parsed.problems);
    const name = parsed.data.platform;
    if (extra.get(name) === file) continue;
    if (!/^[a-z0-9-]+$/.test(name) || profileNames().includes(name)) {
      throw new InputError([{ file, line: parsed.lineOf(['platform']), path: '/platform', message: `platform "${name}" must be made of a-z, 0-9 and - and differ from the known profiles (${profileNames().join(', ')})` }]);
    }
    extra.set(name, file);
    loaded.set(name, parsed.data);
  }
}

/**
 * Loads and validates one built-in profile, once per process (every batch runner of a column asks
 * for it); an unknown name or a bad file is an InputError.
 */
export function loadProfile(name: string): PlatformProfile {
  let profile = loaded.get(name);
  if (!profile) {
    profile = readProfile(name);
    loaded.set(name, profile);
  }
  return profile;
}

function readProfile(name: string): PlatformProfile {
  const url = new URL(`${name}.yaml`, folder);
  const file = `profiles/${name}.yaml`;
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(url)) {
    throw new InputError([{ file, message: `no such platform profile; known: ${profileNames().join(', ')}` }]);
  }
  const parsed = parseYamlFile<PlatformProfile>(file, readFileSync(url, 'utf8'), validateProfile);
  if (!parsed.data) throw new InputError(parsed.problems);
  if (parsed.data.platform !== name) {
    throw new InputError([{ file, line: parsed.lineOf(['platform']), path: '/platform', message: `platform "${parsed.data.platform}" must equal the file name "${name}"` }]);
  }
  return parsed.data;
}

/** The names of the built-in profiles that describe a platform cache. */
export function cacheProfileNames(): string[] {
  return profileNames().filter((name) => loadProfile(name).cache);
}

/** The cache of a built-in profile; a profile without one is an InputError naming the file. */
export function loadCacheProfile(name: string): CacheProfile {
  const cache = loadProfile(name).cache;
  if (!cache) throw new InputError([{ file: `profiles/${name}.yaml`, path: '/cache', message: `profile "${name}" describes no cache; profiles with one: ${cacheProfileNames().join(', ')}` }]);
  return cache;
}
