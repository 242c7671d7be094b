/**
 * Stored profiles: `<config dir>/config.json`, mode 0600 in a folder 0700, read with the owner and
 * mode checks of trust.ts and written atomically under the config lock (write-file.ts).
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import { jsonErrorOffset, lineColumn } from './json-position.js';
import { withConfigLock } from './lock.js';
import { checkConfigFolder } from './trust.js';
import { readTrustedText } from './trusted-read.js';
import { writeConfigFile } from './write-file.js';

export type StoredAuth =
  | { kind: 'none' }
  | { kind: 'apikey'; apiKey: string }
  | { kind: 'token'; token: string }
  | { kind: 'token-command'; command: string }
  | StoredOidc;

/**
 * An OIDC login (`cluster login --oidc`): the tokens the identity provider issued, and what is
 * needed to refresh and revoke them without asking the provider's discovery document again. The
 * access token is sent as the bearer credential; it is refreshed (under the config lock) when it
 * is about to expire. Times are RFC 3339 strings.
 */
export interface StoredOidc {
  kind: 'oidc';
  /** The issuer the instance named (`/config/authentication`), checked against the ID token's `iss`. */
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  /** RFC 7009 revocation, where the issuer offers it (used by `cluster logout`). */
  revocationEndpoint?: string;
  accessToken: string;
  /** When the access token expires (from `expires_in`), and when it was obtained. */
  expiresAt: string;
  obtainedAt: string;
  /** Absent when the issuer issued none (no `offline_access`): the login then lasts as long as the access token. */
  refreshToken?: string;
  /** The ID token's `sub` and `email` (if present), shown by `auth status`; the ID token itself is not kept. */
  subject: string;
  email?: string;
  /** How the login was made, for the "log in again" command: --device, and --client-id (then clientId came from it). */
  device?: boolean;
  clientIdFlag?: boolean;
}

export interface Profile {
  host: string;
  auth: StoredAuth;
  tenant?: string;
  insecure?: boolean;
  caCert?: string;
  /** Server version and edition seen when the profile was verified (informational). */
  serverVersion?: string;
  serverEdition?: string;
}

export interface ConfigData {
  current?: string;
  profiles: Record<string, Profile>;
}

export const CONFIG_FILE = 'config.json';

/** `CLUSTER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/feldera-cluster`, else the platform's config folder. */
export function configDir(env: Record<string, string | undefined>): string {
  if (env.CLUSTER_CONFIG_DIR) return env.CLUSTER_CONFIG_DIR;
  if (process.platform === 'win32')
    return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'feldera-cluster');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', 'feldera-cluster');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'feldera-cluster');
}

export function configPath(env: Record<string, string | undefined>): string {
  return join(configDir(env), CONFIG_FILE);
}

/**
 * Read without conf. A missing file is an empty config; a broken one is an error that names the
 * file and the line and column of the fault, never its content (it holds credentials); a file or
 * folder someone else could have written is refused (trust.ts).
 */
export function readConfig(env: Record<string, string | undefined>): ConfigData {
  const file = configPath(env);
  const text = readTrusted(file);
  if (text === undefined) return { profiles: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, Math.max(offset, 0));
    const where =
      offset >= text.length
        ? `it ends too early, at line ${line}, column ${column}`
        : `at line ${line}, column ${column}`;
    throw new CliError(`the config file ${file} is not valid JSON (${text.trim() === '' ? 'it is empty' : where})`, {
      hint: 'fix it by hand or move it away; it is left untouched',
      kind: 'config',
    });
  }
  return normaliseConfig(raw, file);
}

/** Config files hold credentials and a few profiles: far less than this. */
const CONFIG_MAX_BYTES = 16 << 20;

/**
 * The config file's text, undefined when there is none; refused (one line, exit 1) when someone
 * else could have written it or when it is not a regular file (trusted-read.ts). A missing file is
 * no profiles yet; anything else (a folder we may not enter, a directory in the file's place) is
 * said as it is, not mistaken for "no profiles".
 */
function readTrusted(file: string): string | undefined {
  return readTrustedText(file, {
    what: 'config file',
    maxBytes: CONFIG_MAX_BYTES,
    accessError: (f, e) => configAccessError('read', f, e),
  });
}

/** Why a config file or folder cannot be read or written, by error code. */
const ACCESS_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A config file or folder that cannot be read or written: one line naming the path and why, and what to do. */
export function configAccessError(op: 'read' | 'write', file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why = Object.hasOwn(ACCESS_ERRORS, code)
    ? ACCESS_ERRORS[code]!
    : sanitizeLine((e as Error).message ?? String(e));
  return new CliError(`cannot ${op} the config file ${file}: ${why}`, {
    hint: 'check the permissions of that file and its folder, or choose another folder with CLUSTER_CONFIG_DIR',
    kind: 'config',
  });
}

const AUTH_FIELDS: Record<string, string | undefined> = {
  none: undefined,
  apikey: 'apiKey',
  token: 'token',
  'token-command': 'command',
  oidc: undefined, // several fields: oidcProblem
};

function normaliseConfig(raw: unknown, file: string): ConfigData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError(`the config file ${file} does not hold an object`, {
      hint: 'fix it by hand or move it away; it is left untouched',
      kind: 'config',
    });
  }
  const r = raw as { current?: unknown; profiles?: unknown };
  const profiles: Record<string, Profile> = {};
  if (r.profiles !== undefined) {
    if (typeof r.profiles !== 'object' || r.profiles === null || Array.isArray(r.profiles)) {
      throw new CliError(`the config file ${file} has a "profiles" entry that is not an object`, {
        hint: 'fix it by hand or move it away; it is left untouched',
        kind: 'config',
      });
    }
    for (const [name, p] of Object.entries(r.profiles as Record<string, unknown>)) {
      Object.defineProperty(profiles, name, {
        value: checkedProfile(name, p, file),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return { current: typeof r.current === 'string' ? r.current : undefined, profiles };
}

/** A stored profile as read from the file, checked; else an error that names it and what is wrong. */
function checkedProfile(name: string, p: unknown, file: string): Profile {
  const broken = (why: string) =>
    new CliError(`the config file ${file} has a broken profile "${sanitizeLine(name)}" (${why})`, {
      hint: validProfileName(name)
        ? `remove it with \`cluster logout --profile ${name}\` or fix the file by hand`
        : 'fix the file by hand',
      kind: 'config',
    });
  if (!validProfileName(name)) throw broken('not a valid profile name');
  const prof = p as Partial<Profile> | null;
  if (
    !prof ||
    typeof prof !== 'object' ||
    typeof prof.host !== 'string' ||
    typeof prof.auth !== 'object' ||
    prof.auth === null
  ) {
    throw broken('needs "host" and "auth"');
  }
  const kind = (prof.auth as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(AUTH_FIELDS, kind)) {
    throw broken('"auth.kind" must be none, apikey, token, token-command or oidc');
  }
  if (kind === 'oidc') {
    const why = oidcProblem(prof.auth as unknown as Record<string, unknown>);
    if (why) throw broken(why);
  }
  const field = AUTH_FIELDS[kind];
  if (field && typeof (prof.auth as Record<string, unknown>)[field] !== 'string')
    throw broken(`"auth.${field}" is missing`);
  for (const key of ['tenant', 'caCert', 'serverVersion', 'serverEdition'] as const) {
    if (prof[key] !== undefined && typeof prof[key] !== 'string') throw broken(`"${key}" must be a string`);
  }
  if (prof.insecure !== undefined && typeof prof.insecure !== 'boolean')
    throw broken('"insecure" must be true or false');
  return prof as Profile;
}

/** What is wrong with a stored OIDC login, if anything. */
function oidcProblem(auth: Record<string, unknown>): string | undefined {
  for (const key of ['issuer', 'clientId', 'tokenEndpoint', 'accessToken', 'subject'])
    if (typeof auth[key] !== 'string' || auth[key] === '') return `"auth.${key}" is missing`;
  for (const key of ['expiresAt', 'obtainedAt'])
    if (typeof auth[key] !== 'string' || !Number.isFinite(Date.parse(auth[key] as string)))
      return `"auth.${key}" must be a time`;
  for (const key of ['revocationEndpoint', 'refreshToken', 'email'])
    if (auth[key] !== undefined && typeof auth[key] !== 'string') return `"auth.${key}" must be a string`;
  for (const key of ['device', 'clientIdFlag'])
    if (auth[key] !== undefined && typeof auth[key] !== 'boolean') return `"auth.${key}" must be true or false`;
  return undefined;
}

/** The named profile, own properties only (so `constructor` is not found on Object.prototype). */
export function getProfile(config: ConfigData, name: string): Profile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

/** Profile names in a stable order. */
export function profileNames(config: ConfigData): string[] {
  // Code-unit order: the same on every machine, whatever its locale.
  return Object.keys(config.profiles).sort();
}

/** Profile names: letters, digits, `-`, `_`, `.`; they become keys in the file and appear in tables. */
export function validProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

/**
 * Change the stored config. `mutate` gets a copy of the config as it is on disk at that moment —
 * read again while holding the config lock, so concurrent logins each add their profile — and
 * returns the new data, written atomically (write-file.ts: a new 0600 file renamed over the old).
 * The folder is made 0700, and tightened when it is ours (see below).
 */
export async function updateConfig(
  env: Record<string, string | undefined>,
  mutate: (data: ConfigData) => ConfigData,
): Promise<ConfigData> {
  return withConfig(env, (data) => {
    const next = mutate(data);
    return { next, result: next };
  });
}

/**
 * Run `fn` on the config as it is on disk, holding the config lock, as updateConfig does; `fn` may
 * take its time (an OIDC token refresh runs in here, so that of several processes only one spends
 * a refresh token, and the others find the tokens it stored). `next`, when given, is written
 * atomically before the lock is released; without it nothing is written.
 */
export async function withConfig<T>(
  env: Record<string, string | undefined>,
  fn: (data: ConfigData) => Promise<{ next?: ConfigData; result: T }> | { next?: ConfigData; result: T },
): Promise<T> {
  readConfig(env); // refuses a broken or untrusted file before anything is created
  const dir = configDir(env);
  const file = configPath(env);
  const { mkdirSync, chmodSync } = await import('node:fs');
  // The folder is made 0700. An existing folder is tightened when it is ours (the default location,
  // or one we just created); a folder the user named with CLUSTER_CONFIG_DIR that already existed is
  // left as it is (it may be shared, like /tmp) — as long as others cannot replace the file in it.
  let created: boolean;
  try {
    created = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  } catch (e) {
    throw configAccessError('write', file, e);
  }
  if (created || !env.CLUSTER_CONFIG_DIR) {
    try {
      if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    } catch {
      // not ours to change (another owner): the check below says so
    }
  }
  const unsafe = checkConfigFolder(dir, statSync(dir));
  if (unsafe) throw unsafe;
  let failure: { error: unknown } | undefined; // thrown by fn: passed on as it is
  return withConfigLock(dir, async () => {
    const data = structuredClone(readConfig(env));
    let done: Awaited<ReturnType<typeof fn>>;
    try {
      done = await fn(data);
    } catch (error) {
      failure = { error };
      throw error;
    }
    const { next, result } = done;
    if (next === undefined) return result;
    const out: Record<string, unknown> = { profiles: next.profiles };
    if (next.current !== undefined) out.current = next.current;
    try {
      writeConfigFile(file, `${JSON.stringify(out, null, '\t')}\n`);
    } catch (e) {
      throw e instanceof CliError ? e : configAccessError('write', file, e);
    }
    return result;
  }).catch((e: unknown) => {
    if (failure && failure.error === e) throw e;
    throw e instanceof CliError ? e : configAccessError('write', file, e);
  });
}
