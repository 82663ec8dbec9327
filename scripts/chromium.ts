/**
 * Debian's Chromium (`apt-get install chromium`) as the project's tests and benchmark drive it,
 * through playwright-core: headless, no sandbox (CI runs as root), and nothing of its own on the
 * network (no QUIC, no background fetches, no component updates, no sync).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags every launch passes. */
export const CHROMIUM_ARGS: readonly string[] = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Whether Chromium is installed here. */
export const haveChromium = (): boolean => existsSync(CHROMIUM);

/** Launches Chromium with the project's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}
