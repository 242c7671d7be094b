/**
 * Where the connection comes from. Precedence, highest first: command-line flags, environment
 * variables (those Feldera's own CLI reads, plus CLUSTER_PROFILE), the selected profile, defaults.
 *
 * A stored credential belongs to its profile's host: when the host comes from `--host` or
 * FELDERA_HOST and differs from the profile's, the profile's credential is not used.
 */
import type { Credential } from '../api/auth.js';
import type { ClientTarget } from '../api/client.js';
import { CliError, usageError } from '../errors.js';
import type { ConfigData, Profile, StoredAuth } from './profiles.js';

export { credentialTransportProblem, describeCredential, isLoopback, maskSecret, type Credential } from '../api/auth.js';

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

/** Normalise a host the way users type it: `localhost:8080` → `http://localhost:8080`. */
export function normaliseHost(input: string): string {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`invalid host "${input}": expected a URL such as https://feldera.example.com or http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid host "${input}": only http:// and https:// are supported`);
  }
  if (url.username || url.password) {
    throw usageError(`invalid host "${input}": credentials do not belong in the URL`, 'use `cluster login` or FELDERA_API_KEY');
  }
  if (url.search || url.hash) throw usageError(`invalid host "${input}": a host has no query or fragment`);
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

/** Own properties only: a profile named `constructor` must not find Object.prototype's. */
function ownProfile(config: ConfigData, name: string): Profile | undefined {
  return Object.prototype.hasOwnProperty.call(config.profiles, name) ? config.profiles[name] : undefined;
}


/** The credential a stored profile's auth entry stands for. */
export function credentialOf(auth: StoredAuth): Credential {
  switch (auth.kind) {
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

export function resolveConnection(flags: GlobalFlags, env: Record<string, string | undefined>, config: ConfigData): Connection {
  // Profile selection: --profile > CLUSTER_PROFILE > config's current > "default" if present.
  let profileName: string | undefined;
  let profileSource: Source = 'default';
  if (flags.profile !== undefined) {
    profileName = flags.profile;
    profileSource = 'flag';
  } else if (env.CLUSTER_PROFILE) {
    profileName = env.CLUSTER_PROFILE;
    profileSource = 'env';
  } else if (config.current) {
    profileName = config.current;
    profileSource = 'profile';
  } else if (ownProfile(config, 'default')) {
    profileName = 'default';
  }
  const profile = profileName !== undefined ? ownProfile(config, profileName) : undefined;
  if (profileName !== undefined && !profile && profileSource !== 'default') {
    const known = Object.keys(config.profiles);
    throw new CliError(`no profile named "${profileName}"`, {
      hint: known.length ? `known profiles: ${known.join(', ')}; create one with \`cluster login --profile ${profileName}\`` : `create it with \`cluster login --profile ${profileName}\``,
      kind: 'config',
    });
  }

  let host: string;
  let hostSource: Source;
  if (flags.host !== undefined) {
    host = normaliseHost(flags.host);
    hostSource = 'flag';
  } else if (env.FELDERA_HOST) {
    host = normaliseHost(env.FELDERA_HOST);
    hostSource = 'env';
  } else if (profile) {
    host = normaliseHost(profile.host);
    hostSource = 'profile';
  } else {
    host = DEFAULT_HOST;
    hostSource = 'default';
  }

  // A profile's credential and TLS/tenant settings belong to its host. When the host was given by
  // --host or FELDERA_HOST and is another one, none of them is applied.
  const profileHost = profile ? normaliseHost(profile.host) : undefined;
  const sameHost = profile !== undefined && (hostSource === 'profile' || profileHost === host);
  const usable = sameHost ? profile : undefined;
  const withheld: NonNullable<Connection['withheld']> = [];
  if (profile && !sameHost) {
    if (profile.auth.kind !== 'none') withheld.push('credential');
    if (profile.tenant !== undefined) withheld.push('tenant');
    if (profile.insecure !== undefined) withheld.push('insecure');
    if (profile.caCert !== undefined) withheld.push('caCert');
  }

  let credential: Credential = { kind: 'none' };
  let credentialSource: Source = 'default';
  let credentialWithheld: string | undefined;
  if (env.FELDERA_API_KEY && env.FELDERA_API_KEY.trim()) {
    credential = { kind: 'apikey', token: env.FELDERA_API_KEY.trim() };
    credentialSource = 'env';
  } else if (env.FELDERA_AUTH_TOKEN_COMMAND && env.FELDERA_AUTH_TOKEN_COMMAND.trim()) {
    credential = { kind: 'token-command', command: env.FELDERA_AUTH_TOKEN_COMMAND };
    credentialSource = 'env';
  } else if (usable && usable.auth.kind !== 'none') {
    credential = credentialOf(usable.auth);
    credentialSource = 'profile';
  } else if (profile && !sameHost && profile.auth.kind !== 'none') {
    credentialWithheld = `the credential of profile "${profileName}" belongs to ${profileHost}, not ${host}`;
  }

  const pick = <T>(flag: T | undefined, envVal: T | undefined, prof: T | undefined, dflt: T): [T, Source] =>
    flag !== undefined ? [flag, 'flag'] : envVal !== undefined ? [envVal, 'env'] : prof !== undefined ? [prof, 'profile'] : [dflt, 'default'];

  const [tenant, tenantSource] = pick<string | undefined>(flags.tenant || undefined, env.FELDERA_TENANT || undefined, usable?.tenant || undefined, undefined);
  const [insecure, insecureSource] = pick<boolean>(
    flags.insecure ? true : undefined,
    boolEnv('FELDERA_TLS_INSECURE', env.FELDERA_TLS_INSECURE),
    usable?.insecure,
    false,
  );
  const [caCert, caSource] = pick<string | undefined>(flags.caCert || undefined, env.FELDERA_HTTPS_TLS_CERT || undefined, usable?.caCert || undefined, undefined);
  const [timeoutText, timeoutSource] = pick<string>(flags.requestTimeout, env.FELDERA_REQUEST_TIMEOUT || undefined, undefined, String(DEFAULT_TIMEOUT_S));
  const [retriesText, retriesSource] = pick<string>(flags.retries, env.FELDERA_RETRIES || undefined, undefined, String(DEFAULT_RETRIES));
  const timeoutName = timeoutSource === 'env' ? 'FELDERA_REQUEST_TIMEOUT' : '--request-timeout';
  const timeoutS = parsePositive(timeoutText, timeoutName, 0.001);
  if (timeoutS > 3600) throw usageError(`invalid ${timeoutName} "${timeoutText}": at most 3600 seconds`);
  const retries = parsePositive(retriesText, retriesSource === 'env' ? 'FELDERA_RETRIES' : '--retries', 0);
  if (!Number.isInteger(retries) || retries > 100) {
    throw usageError(`invalid ${retriesSource === 'env' ? 'FELDERA_RETRIES' : '--retries'} "${retriesText}": expected a whole number from 0 to 100`);
  }

  return {
    host,
    baseUrl: host,
    credential,
    tenant,
    insecure,
    caCert,
    timeoutMs: Math.round(timeoutS * 1000),
    retries,
    profileName: profile ? profileName : undefined,
    profile,
    credentialWithheld,
    withheld: withheld.length ? withheld : undefined,
    sources: {
      host: hostSource,
      credential: credentialSource,
      tenant: tenantSource,
      insecure: insecureSource,
      caCert: caSource,
      timeout: timeoutSource,
      retries: retriesSource,
      profile: profile ? profileSource : 'default',
    },
  };
}


