/**
 * Platform profiles: what a platform does around an edge route (its cache now), as data in
 * profiles/<platform>.yaml, one rule per field with its source, validated by
 * schemas/profile.schema.json.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { InputError } from './input-error.ts';
import { validateProfile } from './schemas.ts';
import { parseYamlFile } from './yaml-file.ts';

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

/** A platform profile. */
export interface PlatformProfile {
  platform: string;
  title: string;
  cache: CacheProfile;
}

const folder = new URL('../profiles/', import.meta.url);

/** The names of the built-in profiles (the files in profiles/). */
export function profileNames(): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

const loaded = new Map<string, PlatformProfile>();

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
