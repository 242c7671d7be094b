/**
 * Checking a host and credential before they are stored: the instance's authentication mode, that
 * the credential reads cluster events, and the server's version. Failures become one line that
 * says which of the usual reasons it was (wrong key, unreachable, TLS, server too old).
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { authProviderOf } from '../api/validate.js';
import { CliError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';

export interface AuthMode {
  /** Whether the instance has authentication on (an identity provider is configured). */
  on: boolean;
  /** `GenericOidc`, `AwsCognito`, …, when on. */
  provider?: string;
}

export interface Verified {
  version: string;
  edition: string;
  /** The instance has not recorded any cluster monitor event yet (404 on `latest`). */
  noEventsYet: boolean;
}

/** `GET /config/authentication` (sent without a credential). */
export async function readAuthMode(client: ClusterClient): Promise<AuthMode> {
  const { data } = await client.authConfig();
  const provider = authProviderOf(data);
  return provider === undefined ? { on: false } : { on: true, provider };
}

/** The credential must read `latest` (404 "no events yet" counts) and `/v0/config`. */
export async function verifyAccess(client: ClusterClient): Promise<Verified> {
  let noEventsYet = false;
  try {
    await client.getEvent('latest', 'status');
  } catch (e) {
    if (e instanceof ApiError && e.apiKind === 'no-events') noEventsYet = true;
    else throw e;
  }
  const { data } = await client.platformConfig();
  return { version: data.version, edition: data.edition, noEventsYet };
}

const NOTHING_SAVED = 'nothing was saved; `--no-verify` saves without checking';

/** Explain why a login could not be verified. Anything not from the API passes through unchanged. */
export function loginFailure(e: unknown, host: string): unknown {
  if (!(e instanceof ApiError)) return e;
  const wrap = (message: string, hint?: string) =>
    new CliError(`login failed: ${message}`, {
      hint: hint ? `${hint}; ${NOTHING_SAVED}` : NOTHING_SAVED,
      kind: e.apiKind,
      exitCode: e.exitCode,
    });
  switch (e.apiKind) {
    case 'unauthorized':
      return wrap(
        `${host} rejected the credential (${e.message})`,
        'check the key (API keys start with `apikey:`); create one in the Feldera web console',
      );
    case 'forbidden':
      return wrap(
        `the credential is valid but may not read cluster events (${e.message})`,
        'reading cluster events needs the `read` role or higher',
      );
    case 'no-api':
      return wrap(
        e.endpoint === '/config/authentication'
          ? `${host} answered 404 without a Feldera body for ${e.endpoint}: it is not a Feldera instance, or a very old one`
          : `${host} has no cluster-events API (${e.endpoint} answered 404): the server is too old for cluster monitor events, or not Feldera`,
        'check the host; cluster monitor events need a recent Feldera',
      );
    case 'tls':
    case 'unreachable':
    case 'timeout':
    case 'insecure-credential':
      return wrap(e.message, e.hint);
    default:
      return wrap(sanitizeLine(e.message), e.hint);
  }
}
