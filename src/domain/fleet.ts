/**
 * The fleet view's logic: which profiles, how each row's connection is resolved, bounded
 * concurrency, and the combined exit code. The requests themselves are made by the command.
 *
 * Each row talks to its profile's host with its profile's credential, tenant and TLS settings,
 * and nothing else: `--host`, `--tenant`, `--insecure`, `--ca-cert` and `--profile` are refused
 * with a fleet (they would point every row at one place or weaken every row's TLS), and the
 * environment variables that name a host or carry a credential (FELDERA_HOST, FELDERA_API_KEY,
 * FELDERA_AUTH_TOKEN_COMMAND, FELDERA_TENANT, FELDERA_TLS_INSECURE, FELDERA_HTTPS_TLS_CERT,
 * CLUSTER_PROFILE) are ignored for the rows — sending one key to every host would leak it.
 * What does apply to every row: --request-timeout and --retries (and their variables).
 */

import type { HealthBody, HealthStatus } from '../api/types.js';
import type { GlobalFlags } from '../config/connection.js';
import type { ConfigData } from '../config/profiles.js';
import { CliError, usageError } from '../errors.js';
import { didYouMean, withSuggestion } from '../util/suggest.js';
import type { StaleLimit } from './staleness.js';
import { type ClusterVerdict, verdictExit, worstVerdict } from './verdict.js';

/** Flags that would override a row's own connection. */
export const FLEET_REFUSED_FLAGS = [
  ['host', '--host'],
  ['tenant', '--tenant'],
  ['insecure', '--insecure'],
  ['caCert', '--ca-cert'],
  ['profile', '--profile'],
] as const;

export const FLEET_IGNORED_ENV = [
  'FELDERA_HOST',
  'FELDERA_API_KEY',
  'FELDERA_AUTH_TOKEN_COMMAND',
  'FELDERA_TENANT',
  'FELDERA_TLS_INSECURE',
  'FELDERA_HTTPS_TLS_CERT',
  'CLUSTER_PROFILE',
] as const;

/** Which profiles a fleet check covers: all stored ones, or those named (deduplicated, in order). */
export type FleetChoice = { all: true } | { names: string[] };

/** `--all-profiles` / `-p a,b,c` as given on the command line; undefined for a single-instance check. */
export function fleetChoice(flags: { allProfiles?: boolean; profiles?: string }): FleetChoice | undefined {
  if (flags.allProfiles && flags.profiles !== undefined)
    throw usageError('give either --all-profiles or -p/--profiles, not both');
  if (flags.allProfiles) return { all: true };
  if (flags.profiles === undefined) return undefined;
  const names = [
    ...new Set(
      flags.profiles
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (names.length === 0) throw usageError('-p/--profiles needs at least one profile name (comma-separated)');
  return { names };
}

/** The profile names to check, in order: as named, or all stored, sorted. A name no profile has: exit 1. */
export function fleetNames(choice: FleetChoice, config: ConfigData): string[] {
  const known = Object.keys(config.profiles).sort();
  if ('all' in choice) return known;
  const unknown = choice.names.filter((n) => !Object.hasOwn(config.profiles, n));
  if (unknown.length) {
    // Exit 1 like `--profile NAME` naming no stored profile: the flag is well-formed, the lookup failed.
    throw new CliError(`unknown profile${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hint: known.length
        ? withSuggestion(didYouMean(unknown[0]!, known), `known profiles: ${known.join(', ')}`)
        : 'no profiles are stored yet; add one with `cluster login --profile NAME`',
      kind: 'config',
    });
  }
  return choice.names;
}

/** The flags and environment a fleet row resolves its connection from (see the module comment). */
export function fleetInputs(
  flags: GlobalFlags,
  env: Record<string, string | undefined>,
  profile: string,
): { flags: GlobalFlags; env: Record<string, string | undefined> } {
  for (const [key, flag] of FLEET_REFUSED_FLAGS) {
    if (flags[key] !== undefined && flags[key] !== false) {
      throw usageError(
        `${flag} cannot be combined with --all-profiles or -p: each row uses its own profile's settings`,
        `drop ${flag}, or give ${flag} without --all-profiles / -p to read that one instance`,
      );
    }
  }
  const rowEnv = { ...env };
  for (const k of FLEET_IGNORED_ENV) delete rowEnv[k];
  return {
    flags: { requestTimeout: flags.requestTimeout, retries: flags.retries, verbose: flags.verbose, profile },
    env: rowEnv,
  };
}

/** One instance as a fleet view, the exporter or a nagios check read it: its verdict always, the answer when there was one. */
export interface FleetRow {
  profile: string;
  host: string;
  verdict: ClusterVerdict;
  /** The answer as the server sent it (for --json), when there was one. */
  body?: HealthBody;
  /** The same in today's shape. */
  health?: HealthStatus;
  /** The v0.121–v0.200 shape (no api, no all_healthy). */
  legacy?: boolean;
  /** The server's now, that ages were judged against. */
  now?: number;
  /** The stale limit the row was judged by, and where it came from. */
  limit?: StaleLimit;
  /** What the server said it runs (`/v0/config`, remembered for a day), when known. */
  server?: ServerInfo;
}

/** A server's version, edition and revision, as `/v0/config` gave them (made safe to show). */
export interface ServerInfo {
  version: string;
  edition: string;
  revision: string | null;
}

/** A fleet's exit code: that of its worst verdict (1 unreachable, before 3 stale, before 2 unhealthy or starting). */
export function fleetExit(rows: readonly Pick<FleetRow, 'verdict'>[]): number {
  return verdictExit(worstVerdict(rows.map((r) => r.verdict.verdict)));
}
