/**
 * What the tool has learned about instances, kept beside the config file in `state.json`: the
 * healthy period of each instance, learned by the commands that read its event history
 * (`event list`, `incidents`, `timeline`, `watch`) so that those that make a single request
 * (`event get latest`, `status`) can judge staleness by it without reading the history themselves.
 *
 * Keyed by profile (`profile:prod`) when the connection uses its profile's host, else by host
 * (`host:https://f.example.com`) — a `--host` or FELDERA_HOST run learns for that host. Each entry
 * keeps its host, so a profile that now points elsewhere does not inherit another instance's period.
 *
 * Nothing here is needed: a missing, unreadable or broken file is no knowledge, and a failed write
 * is reported by the caller (--verbose) and otherwise ignored. A file someone else could have
 * written (not yours, or writable by others) is ignored too. Writes go through write-file.ts, as
 * config.json's do.
 */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from './profiles.js';
import { checkConfigFile, checkConfigLink } from './trust.js';
import { writeConfigFile } from './write-file.js';

export const STATE_FILE = 'state.json';

export interface PeriodEntry {
  host: string;
  period_ms: number;
  samples: number;
  /** RFC 3339, when it was learned. */
  learned_at: string;
}

interface StateData {
  healthy_periods: Record<string, PeriodEntry>;
}

type Env = Record<string, string | undefined>;

export function statePath(env: Env): string {
  return join(configDir(env), STATE_FILE);
}

/** Which entry a connection reads and writes (see the module comment). */
export function periodKey(conn: { host: string; profileName?: string; profileHost?: string }): string {
  return conn.profileName !== undefined && conn.profileHost === conn.host
    ? `profile:${conn.profileName}`
    : `host:${conn.host}`;
}

function validEntry(v: unknown): v is PeriodEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.host === 'string' &&
    typeof e.period_ms === 'number' &&
    e.period_ms > 0 &&
    typeof e.samples === 'number' &&
    typeof e.learned_at === 'string'
  );
}

/** The file's text when it may be trusted as config.json is (yours, not writable by others); else nothing. */
function readTrustedState(file: string): string | undefined {
  const link = lstatSync(file, { throwIfNoEntry: false });
  if (!link || (link.isSymbolicLink() && checkConfigLink(file, link))) return undefined;
  const fd = openSync(file, 'r');
  try {
    return checkConfigFile(file, file, fstatSync(fd)) ? undefined : readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function readState(env: Env): StateData {
  let raw: unknown;
  try {
    // A period planted by someone else would turn "stale" into "healthy": such a file is no knowledge.
    raw = JSON.parse(readTrustedState(statePath(env)) ?? 'null');
  } catch {
    return { healthy_periods: {} };
  }
  const periods = (raw as { healthy_periods?: unknown } | null)?.healthy_periods;
  const out: Record<string, PeriodEntry> = {};
  if (typeof periods === 'object' && periods !== null) {
    for (const [k, v] of Object.entries(periods))
      if (validEntry(v))
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { healthy_periods: out };
}

/** The stored period for `key`, if there is one for this host. */
export function storedPeriod(env: Env, key: string, host: string): PeriodEntry | undefined {
  const periods = readState(env).healthy_periods;
  const e = Object.hasOwn(periods, key) ? periods[key] : undefined;
  return e && e.host === host ? e : undefined;
}

/** Store (or replace) the period for `key`. Throws what the file system threw; the caller decides what it means. */
export function storePeriod(env: Env, key: string, entry: PeriodEntry): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const state = readState(env);
  Object.defineProperty(state.healthy_periods, key, {
    value: entry,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  writeConfigFile(statePath(env), `${JSON.stringify(state, null, 2)}\n`);
}
