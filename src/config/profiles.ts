/**
 * Stored profiles: `<config dir>/config.json`, written through `conf` (atomic writes, mode 0600,
 * folder 0700). Reading takes the fast path of a plain `readFileSync` so that read-only commands
 * (`event get`, `status`, `watch`) do not load conf and its validator at start-up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.js';

export type StoredAuth =
  | { kind: 'none' }
  | { kind: 'apikey'; apiKey: string }
  | { kind: 'token'; token: string }
  | { kind: 'token-command'; command: string };

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
  if (process.platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'feldera-cluster');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', 'feldera-cluster');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'feldera-cluster');
}

export function configPath(env: Record<string, string | undefined>): string {
  return join(configDir(env), CONFIG_FILE);
}

/** Read without conf. A missing file is an empty config; a broken one is an error that names the file (never overwritten). */
export function readConfig(env: Record<string, string | undefined>): ConfigData {
  const file = configPath(env);
  if (!existsSync(file)) return { profiles: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`the config file ${file} is not valid JSON (${(e as Error).message})`, {
      hint: 'fix it by hand or move it away; it is left untouched',
      kind: 'config',
    });
  }
  return normaliseConfig(raw, file);
}

function normaliseConfig(raw: unknown, file: string): ConfigData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError(`the config file ${file} does not hold an object`, { hint: 'fix it by hand or move it away', kind: 'config' });
  }
  const r = raw as { current?: unknown; profiles?: unknown };
  const profiles: Record<string, Profile> = {};
  if (r.profiles !== undefined) {
    if (typeof r.profiles !== 'object' || r.profiles === null) {
      throw new CliError(`the config file ${file} has a "profiles" entry that is not an object`, { kind: 'config' });
    }
    for (const [name, p] of Object.entries(r.profiles as Record<string, unknown>)) {
      const prof = p as Partial<Profile> | null;
      if (!prof || typeof prof.host !== 'string' || typeof prof.auth !== 'object' || prof.auth === null) {
        throw new CliError(`the config file ${file} has a broken profile "${name}" (needs "host" and "auth")`, {
          hint: `remove it with \`cluster logout --profile ${name}\` or fix the file by hand`,
          kind: 'config',
        });
      }
      profiles[name] = prof as Profile;
    }
  }
  return { current: typeof r.current === 'string' ? r.current : undefined, profiles };
}

/** Profile names: letters, digits, `-`, `_`, `.`; they become keys in the file and appear in tables. */
export function validProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

/**
 * Change the stored config through conf. `mutate` gets a copy and returns the new data.
 * Ensures the folder is 0700 and the file 0600 even if they existed with looser modes.
 */
export async function updateConfig(
  env: Record<string, string | undefined>,
  mutate: (data: ConfigData) => ConfigData,
): Promise<ConfigData> {
  const current = readConfig(env); // refuses to touch a broken file
  const dir = configDir(env);
  const { mkdirSync, chmodSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const { default: Conf } = await import('conf');
  const store = new Conf<Record<string, unknown>>({
    projectName: 'feldera-cluster',
    cwd: dir,
    configName: 'config',
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  const next = mutate(structuredClone(current));
  const out: Record<string, unknown> = { profiles: next.profiles };
  if (next.current !== undefined) out.current = next.current;
  store.store = out;
  chmodSync(configPath(env), 0o600);
  return next;
}
