/**
 * Which identity provider an instance's `/config/authentication` names, as `cluster login --oidc`
 * needs it: the issuer, the client id, and the extra scopes.
 *
 * - `GenericOidc`: `{issuer, client_id, extra_oidc_scopes}` (Okta, Keycloak, Entra ID, …).
 * - `AwsCognito`: `{issuer, login_url, logout_url}`; the client id is the `client_id` of the hosted
 *   login page's URL (the web console's app client; `--client-id` names another).
 * Server text: checked for shape, and sanitised wherever it is shown.
 */
import type { AuthConfig } from '../api/types.js';
import { CliError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';

export interface ServerOidc {
  provider: 'GenericOidc' | 'AwsCognito';
  issuer: string;
  /** Undefined when the instance names none (then --client-id is needed). */
  clientId?: string;
  extraScopes: string[];
}

function misconfigured(host: string, what: string): CliError {
  return new CliError(`${host} names its identity provider without ${what} (/config/authentication)`, {
    hint: "the instance's authentication settings are incomplete; ask its operator",
    kind: 'invalid-response',
  });
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The client id in a Cognito hosted-UI login URL (`…/login?client_id=…&response_type=…`). */
export function cognitoClientId(loginUrl: unknown): string | undefined {
  const url = text(loginUrl);
  if (!url) return undefined;
  try {
    return text(new URL(url).searchParams.get('client_id'));
  } catch {
    return undefined;
  }
}

/** The provider, or undefined when authentication is off (`{}`). */
export function oidcProviderOf(config: AuthConfig, host: string): ServerOidc | undefined {
  const generic = config.GenericOidc as Record<string, unknown> | undefined;
  if (generic) {
    const issuer = text(generic.issuer);
    if (!issuer) throw misconfigured(host, 'an issuer');
    const scopes = generic.extra_oidc_scopes;
    const extraScopes = Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
    const clientId = text(generic.client_id);
    return { provider: 'GenericOidc', issuer, ...(clientId && { clientId }), extraScopes };
  }
  const cognito = config.AwsCognito as Record<string, unknown> | undefined;
  if (cognito) {
    const issuer = text(cognito.issuer);
    if (!issuer) throw misconfigured(host, 'an issuer');
    const clientId = cognitoClientId(cognito.login_url);
    return { provider: 'AwsCognito', issuer, ...(clientId && { clientId }), extraScopes: [] };
  }
  const other = Object.keys(config)[0];
  if (other !== undefined)
    throw new CliError(`${host} uses an identity provider this tool does not know: ${sanitizeLine(other)}`, {
      hint: 'log in with an API key instead (`cluster login`), or a --token-command that prints a token',
      kind: 'unsupported',
    });
  return undefined;
}
