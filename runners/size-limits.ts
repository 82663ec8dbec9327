/**
 * Which platform's code-size limit each built-in runtime's columns deploy routes under, as data: the
 * runtime a platform runs its edge routes on stands for that platform (Vercel's Edge Functions on
 * edge-runtime's engine, Cloudflare's Workers on workerd, Deno Deploy on Deno, the seed's Edge API
 * Routes on Next.js). Node and Bun stand for no edge platform, so they have no limit.
 *
 * A column's `sizeLimit` setting picks another: a plan of the same profile ("pro"), a profile and
 * plan ("vercel/pro"), or "none".
 */
import { resolveSizeLimit, type SizeLimit } from '../profiles/code-size.ts';
import type { TargetConfig } from './types.ts';

/** Runner name -> the profile whose default plan its columns deploy under. */
export const SIZE_PROFILE: Record<string, string> = {
  'edge-runtime': 'vercel',
  workerd: 'cloudflare',
  miniflare: 'cloudflare',
  deno: 'deno-deploy',
  nextjs: 'nextjs',
};

/** The limit a column deploys under, or undefined; a bad `sizeLimit` setting is an InputError. */
export function columnSizeLimit(target: TargetConfig): SizeLimit | undefined {
  const setting = target.settings.sizeLimit as string | undefined;
  if (setting === 'none') return undefined;
  const profile = SIZE_PROFILE[target.runner];
  if (setting === undefined) return profile ? resolveSizeLimit(profile) : undefined;
  return resolveSizeLimit(setting.includes('/') || !profile ? setting : `${profile}/${setting}`);
}

/** The settings a column's runner is made with: everything but `sizeLimit`, which the engine applies. */
export function runnerSettings(target: TargetConfig): Record<string, unknown> {
  const { sizeLimit: _applied, ...settings } = target.settings;
  return settings;
}

/**
 * The platform a column stands for, for cases that state one (`platform: vercel`): a +cache column's
 * cache profile, else the profile of the size limit it deploys under. Node and Bun stand for none.
 */
export function columnPlatform(target: TargetConfig, sizeLimit: SizeLimit | undefined): string | undefined {
  const cacheProfile = target.settings.profile;
  if (typeof cacheProfile === 'string') return cacheProfile;
  return sizeLimit?.id.split('/')[0];
}
