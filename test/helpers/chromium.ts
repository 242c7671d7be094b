/**
 * A real headless Chromium for the browser tests: Debian's (or CHROMIUM_PATH), driven by
 * playwright-core, which cannot download a browser of its own here. Without one the tests are
 * skipped and say so — except in CI (CI set), where nothing may be skipped.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const inCI = Boolean(process.env.CI);

export function skippedBecause(what: string): string {
  return `SKIPPED: ${what} need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH); it is not there, so they did not run`;
}

/** Chromium's flags for tests: no sandbox (as root); nothing of Chromium's own goes to the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch it; in CI a missing Chromium is a failure, not a skip. */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  if (!hasChromium) throw new Error(`in CI nothing may be skipped: there is no Chromium at ${CHROMIUM}`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Launch it with a user-data folder of its own (cookies kept between pages, as a person's browser). */
export async function launchChromiumWithProfile(dir: string): Promise<import('playwright-core').BrowserContext> {
  if (!hasChromium) throw new Error(`in CI nothing may be skipped: there is no Chromium at ${CHROMIUM}`);
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
