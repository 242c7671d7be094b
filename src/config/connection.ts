/**
 * Where the connection comes from. Precedence, highest first: command-line flags, environment
 * variables (those Feldera's own CLI reads, plus CLUSTER_PROFILE), the selected profile, defaults.
 *
 * A stored credential belongs to its profile's host: when the host comes from `--host` or
 * FELDERA_HOST and differs from the profile's, the profile's credential is not used. A profile
 * named with `--profile` beats the environment's host, credential, tenant and TLS settings.
 */
import type { Credential } from '../api/auth.js';
import type { ClientTarget } from '../api/client.js';
import { CliError, usageError } from '../errors.js';
import { didYouMean, withSuggestion } from '../util/suggest.js';
import type { ConfigData, Profile, StoredAuth } from './profiles.js';

export const DEFAULT_HOST = 'http://127.0.0.1:8080';
export const DEFAULT_TIMEOUT_S = 10;
export const DEFAULT_RETRIES = 3;

export type Source = 'flag' | 'env' | 'profile' | 'default';

export interface GlobalFlags {
  host?: string;
  profile?: string;
  tenant?: string;
  insecure?: boolean;
  caCert?: string;
  requestTimeout?: string;
  retries?: string;
  verbose?: boolean;
  /** `--color` / `--no-color`. */
  color?: boolean;
}

/** A resolved connection: what the client needs (ClientTarget), and where each setting came from. */
export interface Connection extends ClientTarget {
  /** The profile in use, if any (the selected one, even when its credential was withheld). */
  profileName?: string;
  profile?: Profile;
  /** Why the profile's credential was not used, if it was not. */
  credentialWithheld?: string;
  /**
   * Settings of the selected profile that were not applied because the host came from --host or
   * FELDERA_HOST and differs from the profile's (they belong to the profile's host).
   */
  withheld?: ('credential' | 'tenant' | 'insecure' | 'caCert')[];
  /**
   * Environment variables that were set but not used because `--profile` named the profile on the
   * command line: its host, credential, tenant and TLS settings win over the environment's.
   */
  ignoredEnv?: string[];
  sources: {
    host: Source;
    credential: Source;
    tenant: Source;
    insecure: Source;
    caCert: Source;
    timeout: Source;
    retries: Source;
    profile: Source;
  };
}

/**
 * The host as typed, for an error message: a `user:password@` part and a query (where a token may
 * be) are not repeated back — the scrubber does not know them as secrets.
 */
function shownHost(input: string): string {
  return input.replace(/(\/\/|^)[^/?#@\s]*@/, '$1***@').replace(/([?#]).*$/s, '$1…');
}

/** Normalise a host the way users type it: `localhost:8080` → `http://localhost:8080`. */
export function normaliseHost(input: string): string {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `invalid host "${shownHost(input)}": expected a URL such as https://feldera.example.com or http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid host "${shownHost(input)}": only http:// and https:// are supported`);
  }
  if (url.username || url.password) {
    throw usageError(
      `invalid host "${shownHost(input)}": credentials do not belong in the URL`,
      'use `cluster login` or FELDERA_API_KEY',
    );
  }
  if (url.search || url.hash) throw usageError(`invalid host "${shownHost(input)}": a host has no query or fragment`);
  return url.toString().replace(/\/+$/, '');
}

function parsePositive(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(n) || n < min) {
    throw usageError(`invalid ${what} "${text}": expected a number${min > 0 ? ' greater than 0' : ' (0 or more)'}`);
  }
  return n;
}

/** A boolean environment variable: 1/true/yes/on or 0/false/no/off (empty = unset). */
function boolEnv(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
  if (/^(0|false|no|off)$/i.test(v.trim())) return false;
  throw usageError(`invalid ${name} "${v}": expected true or false (1/0, yes/no, on/off)`);
}

/**
 * A tenant travels as the `Feldera-Tenant` header: printable ASCII on one line. Anything else
 * (a line break that would end the header, a non-ASCII name that Node refuses to send) is a usage
 * error here, before any request, rather than a "network failure" retried three times.
 */
function checkTenant(tenant: string | undefined, source: Source, profileName: string | undefined): string | undefined {
  if (tenant === undefined || /^[\x20-\x7e]+$/.test(tenant)) return tenant;
  const bad = [...tenant].find((c) => !/[\x20-\x7e]/.test(c))!;
  const message = `the tenant contains ${describeBad(bad)}; it is sent as the Feldera-Tenant header, which takes printable ASCII only`;
  if (source === 'profile') {
    throw new CliError(`${message} (profile "${profileName ?? ''}")`, {
      hint: `log in again with \`cluster login --profile ${profileName ?? 'NAME'} --tenant NAME\``,
      kind: 'config',
    });
  }
  throw usageError(
    `invalid ${source === 'flag' ? '--tenant' : 'FELDERA_TENANT'}: ${message}`,
    'give the tenant name as the instance knows it, e.g. --tenant acme',
  );
}

/** What the first character a header cannot carry is. */
function describeBad(ch: string): string {
  if (ch === '\r' || ch === '\n') return 'a line break';
  if (ch < ' ' || ch === '\x7f') return 'a control character';
  return `a non-ASCII character (${JSON.stringify(ch)})`;
}

/** Own properties only: a profile named `constructor` must not find Object.prototype's. */
function ownProfile(config: ConfigData, name: string): Profile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

/** The credential a stored profile's auth entry stands for (`profile`: the profile's name, for an OIDC login). */
export function credentialOf(auth: StoredAuth, profile = 'default'): Credential {
  switch (auth.kind) {
    case 'oidc':
      return {
        kind: 'oidc',
        profile,
        issuer: auth.issuer,
        subject: auth.subject,
        ...(auth.email !== undefined && { email: auth.email }),
        accessToken: auth.accessToken,
        expiresAt: Date.parse(auth.expiresAt),
        obtainedAt: Date.parse(auth.obtainedAt),
      };
    case 'apikey':
      return { kind: 'apikey', token: auth.apiKey };
    case 'token':
      return { kind: 'token', token: auth.token };
    case 'token-command':
      return { kind: 'token-command', command: auth.command };
    default:
      return { kind: 'none' };
  }
}

type Env = Record<string, string | undefined>;

/** The first of flag, environment, profile, default that is set, and which it was. */
function pick<T>(flag: T | undefined, envVal: T | undefined, prof: T | undefined, dflt: T): [T, Source] {
  if (flag !== undefined) return [flag, 'flag'];
  if (envVal !== undefined) return [envVal, 'env'];
  if (prof !== undefined) return [prof, 'profile'];
  return [dflt, 'default'];
}

interface Selected {
  name?: string;
  source: Source;
  profile?: Profile;
}

/** Profile selection: --profile > CLUSTER_PROFILE > config's current > "default" if present. A name no profile has: exit 1. */
function selectProfile(flags: GlobalFlags, env: Env, config: ConfigData): Selected {
  const [name, source] = pick<string | undefined>(
    flags.profile,
    env.CLUSTER_PROFILE || undefined,
    config.current || undefined,
    ownProfile(config, 'default') ? 'default' : undefined,
  );
  const profile = name !== undefined ? ownProfile(config, name) : undefined;
  if (name !== undefined && !profile && source !== 'default') {
    const known = Object.keys(config.profiles);
    throw new CliError(`no profile named "${name}"`, {
      hint: known.length
        ? withSuggestion(
            didYouMean(name, known),
            `known profiles: ${known.join(', ')}; create one with \`cluster login --profile ${name}\``,
          )
        : `create it with \`cluster login --profile ${name}\``,
      kind: 'config',
    });
  }
  return { name, source, profile };
}

/** The settings of a profile that belong to its host, listed when they are not applied. */
function withheldOf(profile: Profile): NonNullable<Connection['withheld']> {
  const out: NonNullable<Connection['withheld']> = [];
  if (profile.auth.kind !== 'none') out.push('credential');
  if (profile.tenant !== undefined) out.push('tenant');
  if (profile.insecure !== undefined) out.push('insecure');
  if (profile.caCert !== undefined) out.push('caCert');
  return out;
}

/** FELDERA_API_KEY > FELDERA_AUTH_TOKEN_COMMAND > the profile's (when it belongs to this host). */
function chooseCredential(env: Env, usable: Profile | undefined, name: string | undefined): [Credential, Source] {
  if (env.FELDERA_API_KEY?.trim()) return [{ kind: 'apikey', token: env.FELDERA_API_KEY.trim() }, 'env'];
  if (env.FELDERA_AUTH_TOKEN_COMMAND?.trim())
    return [{ kind: 'token-command', command: env.FELDERA_AUTH_TOKEN_COMMAND }, 'env'];
  if (usable && usable.auth.kind !== 'none') return [credentialOf(usable.auth, name), 'profile'];
  return [{ kind: 'none' }, 'default'];
}

/** --request-timeout / FELDERA_REQUEST_TIMEOUT and --retries / FELDERA_RETRIES, checked. */
function tuning(
  flags: GlobalFlags,
  env: Env,
): { timeoutMs: number; retries: number; timeoutSource: Source; retriesSource: Source } {
  const [timeoutText, timeoutSource] = pick<string>(
    flags.requestTimeout,
    env.FELDERA_REQUEST_TIMEOUT || undefined,
    undefined,
    String(DEFAULT_TIMEOUT_S),
  );
  const [retriesText, retriesSource] = pick<string>(
    flags.retries,
    env.FELDERA_RETRIES || undefined,
    undefined,
    String(DEFAULT_RETRIES),
  );
  const timeoutName = timeoutSource === 'env' ? 'FELDERA_REQUEST_TIMEOUT' : '--request-timeout';
  const timeoutS = parsePositive(timeoutText, timeoutName, 0.001);
  if (timeoutS > 3600) throw usageError(`invalid ${timeoutName} "${timeoutText}": at most 3600 seconds`);
  const retriesName = retriesSource === 'env' ? 'FELDERA_RETRIES' : '--retries';
  const retries = parsePositive(retriesText, retriesName, 0);
  if (!Number.isInteger(retries) || retries > 100)
    throw usageError(`invalid ${retriesName} "${retriesText}": expected a whole number from 0 to 100`);
  return { timeoutMs: Math.round(timeoutS * 1000), retries, timeoutSource, retriesSource };
}

/** What a profile holds for its host: with `--profile`, these variables of the environment give way to it. */
export const PROFILE_BEATS_ENV = [
  'FELDERA_HOST',
  'FELDERA_API_KEY',
  'FELDERA_AUTH_TOKEN_COMMAND',
  'FELDERA_TENANT',
  'FELDERA_TLS_INSECURE',
  'FELDERA_HTTPS_TLS_CERT',
] as const;

/**
 * A profile named with `--profile` is an explicit choice: the FELDERA_* variables that describe a
 * connection (host, credential, tenant, TLS) are set aside for it, as they usually describe another
 * instance — sending FELDERA_API_KEY to the profile's host would hand one instance's key to another.
 * Flags still win over the profile. Returns the environment to use and what was set aside.
 */
function environmentFor(flags: GlobalFlags, env: Env): { env: Env; ignored: string[] } {
  if (flags.profile === undefined) return { env, ignored: [] };
  const ignored = PROFILE_BEATS_ENV.filter((name) => env[name]?.trim());
  if (ignored.length === 0) return { env, ignored };
  const kept: Env = { ...env };
  for (const name of ignored) delete kept[name];
  return { env: kept, ignored };
}

export function resolveConnection(flags: GlobalFlags, fullEnv: Env, config: ConfigData): Connection {
  const { env, ignored } = environmentFor(flags, fullEnv);
  const { name: profileName, source: profileSource, profile } = selectProfile(flags, env, config);
  const [hostText, hostSource] = pick<string>(flags.host, env.FELDERA_HOST || undefined, profile?.host, DEFAULT_HOST);
  const host = normaliseHost(hostText);

  // A profile's credential and TLS/tenant settings belong to its host. When the host was given by
  // --host or FELDERA_HOST and is another one, none of them is applied.
  const profileHost = profile ? normaliseHost(profile.host) : undefined;
  const sameHost = profile !== undefined && (hostSource === 'profile' || profileHost === host);
  const usable = sameHost ? profile : undefined;
  const withheld = profile && !sameHost ? withheldOf(profile) : [];
  const [credential, credentialSource] = chooseCredential(env, usable, profileName);
  const credentialWithheld =
    credentialSource !== 'env' && withheld.includes('credential')
      ? `the credential of profile "${profileName}" belongs to ${profileHost}, not ${host}`
      : undefined;

  const [tenantText, tenantSource] = pick<string | undefined>(
    flags.tenant || undefined,
    env.FELDERA_TENANT || undefined,
    usable?.tenant || undefined,
    undefined,
  );
  const tenant = checkTenant(tenantText, tenantSource, profileName);
  const [insecure, insecureSource] = pick<boolean>(
    flags.insecure ? true : undefined,
    boolEnv('FELDERA_TLS_INSECURE', env.FELDERA_TLS_INSECURE),
    usable?.insecure,
    false,
  );
  const [caCert, caSource] = pick<string | undefined>(
    flags.caCert || undefined,
    env.FELDERA_HTTPS_TLS_CERT || undefined,
    usable?.caCert || undefined,
    undefined,
  );
  const t = tuning(flags, env);

  return {
    host,
    baseUrl: host,
    credential,
    tenant,
    insecure,
    caCert,
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    profileName: profile ? profileName : undefined,
    profile,
    credentialWithheld,
    withheld: withheld.length ? withheld : undefined,
    ignoredEnv: ignored.length ? ignored : undefined,
    sources: {
      host: hostSource,
      credential: credentialSource,
      tenant: tenantSource,
      insecure: insecureSource,
      caCert: caSource,
      timeout: t.timeoutSource,
      retries: t.retriesSource,
      profile: profile ? profileSource : 'default',
    },
  };
}
