/**
 * What the tool has learned about instances, kept beside the config file in `state.json`:
 * - the healthy period of each instance, learned by the commands that read its event history
 *   (`event list`, `incidents`, `timeline`, `watch`) so that those that make a single request
 *   (`event get latest`, `status`) can judge staleness by it without reading the history themselves;
 * - the version each host said it runs (`servers`, by host), so that `status` knows whether an
 *   `unchanged_since` equal to `checked_at` can be believed without asking `/v0/config` every time.
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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { configDir } from './profiles.js';
import { readTrustedText } from './trusted-read.js';
import { writeConfigFile } from './write-file.js';

export const STATE_FILE = 'state.json';

/** A period per instance and a version per host: a few KiB for a fleet. */
const STATE_MAX_BYTES = 16 << 20;

export interface PeriodEntry {
  host: string;
  period_ms: number;
  samples: number;
  /** RFC 3339, when it was learned. */
  learned_at: string;
}

/** What a host said it runs (`GET /v0/config`), and when that was asked. */
export interface ServerEntry {
  version: string;
  edition: string;
  revision: string | null;
  /** RFC 3339, when it was asked. */
  learned_at: string;
}

interface StateData {
  healthy_periods: Record<string, PeriodEntry>;
  servers: Record<string, ServerEntry>;
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

function validServer(v: unknown): v is ServerEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.version === 'string' &&
    typeof e.edition === 'string' &&
    (e.revision === null || typeof e.revision === 'string') &&
    typeof e.learned_at === 'string'
  );
}

/** The valid entries of one map of the file, as own properties only (a key `__proto__` stays a key). */
function entriesOf<T>(raw: unknown, valid: (v: unknown) => v is T): Record<string, T> {
  const out: Record<string, T> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [k, v] of Object.entries(raw)) if (valid(v)) setEntry(out, k, v);
  return out;
}

function setEntry<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
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

/**
 * The file's text when it may be trusted as config.json is (yours, not writable by others, a
 * regular file: trusted-read.ts); else nothing. A FIFO or a device in its place is never opened.
 */
function readTrustedState(file: string): string | undefined {
  return readTrustedText(file, {
    what: 'state file',
    maxBytes: STATE_MAX_BYTES,
    accessError: (f, e) => new CliError(`cannot read the state file ${f}: ${(e as Error).message}`, { kind: 'config' }),
  });
}

function readState(env: Env): StateData {
  let raw: { healthy_periods?: unknown; servers?: unknown } | null;
  try {
    // A period planted by someone else would turn "stale" into "healthy": such a file is no knowledge.
    raw = JSON.parse(readTrustedState(statePath(env)) ?? 'null');
  } catch {
    return { healthy_periods: {}, servers: {} };
  }
  return {
    healthy_periods: entriesOf(raw?.healthy_periods, validEntry),
    servers: entriesOf(raw?.servers, validServer),
  };
}

function writeState(env: Env, state: StateData): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeConfigFile(statePath(env), `${JSON.stringify(state, null, 2)}\n`);
}

/** The stored period for `key`, if there is one for this host. */
export function storedPeriod(env: Env, key: string, host: string): PeriodEntry | undefined {
  const periods = readState(env).healthy_periods;
  const e = Object.hasOwn(periods, key) ? periods[key] : undefined;
  return e && e.host === host ? e : undefined;
}

/** Store (or replace) the period for `key`. Throws what the file system threw; the caller decides what it means. */
export function storePeriod(env: Env, key: string, entry: PeriodEntry): void {
  const state = readState(env);
  setEntry(state.healthy_periods, key, entry);
  writeState(env, state);
}

/** What `host` said it runs, as last asked. */
export function storedServer(env: Env, host: string): ServerEntry | undefined {
  const servers = readState(env).servers;
  return Object.hasOwn(servers, host) ? servers[host] : undefined;
}

/** Store what `host` says it runs, or (undefined) forget it so the next command asks again. Throws what the file system threw. */
export function storeServer(env: Env, host: string, entry: ServerEntry | undefined): void {
  const state = readState(env);
  if (entry) setEntry(state.servers, host, entry);
  else if (Object.hasOwn(state.servers, host)) delete state.servers[host];
  else return;
  writeState(env, state);
}
