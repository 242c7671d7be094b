/**
 * The clocks of the simulators running, by URL, so that a command run against one gets a local
 * clock that agrees with it: the tool does not believe a server's Date further than 5 minutes from
 * the local clock (domain/staleness.ts judgeClock), and a simulator at T0 is a year or more from
 * the real one. `sim()` registers; `invoke` and `runCommand` look up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManualClock } from '../../src/simulator/index.js';
import { type Clock, systemClock } from '../../src/util/clock.js';

const simClocks = new Map<string, ManualClock>();

export function registerSimClock(url: string, clock: ManualClock): () => void {
  simClocks.set(url, clock);
  return () => simClocks.delete(url);
}

/** The hosts of the profiles in a config dir. */
function profileHosts(configDir: string | undefined): string[] {
  if (!configDir) return [];
  try {
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
    return Object.values(config.profiles ?? {}).map((p) => String((p as { host?: unknown }).host));
  } catch {
    return [];
  }
}

/** A local clock that agrees with the first simulator among `hosts` (else the profiles of `configDir`); undefined: none. */
export function simClockFor(hosts: readonly string[], configDir?: string): Clock | undefined {
  for (const host of [...hosts, ...profileHosts(configDir)]) {
    const c = simClocks.get(host.replace(/\/+$/, ''));
    if (c) return { now: () => Math.floor(c.now()), sleep: (ms, signal) => systemClock.sleep(ms, signal) };
  }
  return undefined;
}

/** The same for an argv (`--host URL`) and the config dir of an IO's environment. */
export function simClockForArgv(argv: readonly string[], env: Record<string, string | undefined>): Clock | undefined {
  const i = argv.indexOf('--host');
  return simClockFor(i >= 0 && argv[i + 1] ? [argv[i + 1]!] : [], env.CLUSTER_CONFIG_DIR);
}
