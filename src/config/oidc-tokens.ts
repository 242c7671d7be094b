/**
 * Fresh access tokens for the OIDC logins of profiles (`cluster login --oidc`), one source per
 * process (context.ts), shared by all of its clients.
 *
 * - While the access token in hand is fresh (api/auth.ts `isFresh`: more than 30 s left, or half its
 *   lifetime), it is used as it is: no lock, no request.
 * - Otherwise, under the config lock, the profile is read again: another process may have refreshed
 *   it meanwhile, and its token is then used. Only if it is still stale is the refresh token spent
 *   (the refresh grant, in the lazily loaded OIDC module), and the new tokens — a rotated refresh
 *   token too — are written before the lock is released. So two commands started together spend a
 *   rotating refresh token once, and the second finds what the first stored.
 * - Within the process one refresh per profile runs at a time; the others wait for it.
 * - `rejected`: the server refused that token although it looked fresh; under the lock a different
 *   stored token is taken, else the refresh is made.
 * - A refused refresh (expired, revoked, already used) says "log in again", with the command.
 */
import { isFresh, type OidcCredential, type OidcTokens } from '../api/auth.js';
import { CliError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { getProfile, type StoredOidc, withConfig } from './profiles.js';

export interface OidcTokenDeps {
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Each token seen (stored or new): scrubbed from all output. */
  onSecret(secret: string): void;
  trace?(line: string): void;
  /** Per request to the identity provider. */
  timeoutMs(): number;
  signal: AbortSignal;
}

interface Held {
  token: string;
  expiresAt: number;
  obtainedAt: number;
}

/** The command that logs a profile in again the same way. */
export function loginAgainCommand(
  profile: string,
  auth: Pick<StoredOidc, 'device' | 'clientIdFlag' | 'clientId'>,
): string {
  const parts = ['cluster login --oidc', `--profile ${profile}`];
  if (auth.device) parts.push('--device');
  if (auth.clientIdFlag) parts.push(`--client-id ${auth.clientId}`);
  return `\`${parts.join(' ')}\``;
}

function heldOf(auth: StoredOidc): Held {
  return { token: auth.accessToken, expiresAt: Date.parse(auth.expiresAt), obtainedAt: Date.parse(auth.obtainedAt) };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function oidcTokenSource(deps: OidcTokenDeps): OidcTokens {
  const held = new Map<string, Held>();
  const running = new Map<string, Promise<string>>();

  /** Under the lock: the stored token if it will do, else a refreshed one (stored before the lock is let go). */
  const renew = (c: OidcCredential, rejected: string | undefined) =>
    withConfig(deps.env, async (data) => {
      const profile = getProfile(data, c.profile);
      const auth = profile?.auth;
      if (!profile || auth?.kind !== 'oidc' || auth.issuer !== c.issuer || auth.subject !== c.subject) {
        throw new CliError(
          `the OIDC login of profile "${c.profile}" was removed or replaced by another cluster process`,
          {
            hint: `log in again: \`cluster login --oidc --profile ${c.profile}\``,
            kind: 'config',
          },
        );
      }
      deps.onSecret(auth.accessToken);
      if (auth.refreshToken) deps.onSecret(auth.refreshToken);
      const stored = heldOf(auth);
      const now = deps.clock.now();
      if (stored.token !== rejected && isFresh(stored, now)) {
        deps.trace?.(`using the access token of profile "${c.profile}" refreshed by another cluster process`);
        held.set(c.profile, stored);
        return { result: stored.token };
      }
      const again = loginAgainCommand(c.profile, auth);
      if (!auth.refreshToken) {
        throw new CliError(
          `the OIDC login of profile "${c.profile}" has expired (the identity provider gave no refresh token)`,
          {
            hint: `log in again: ${again}`,
            kind: 'oidc-refused',
          },
        );
      }
      const { refreshToken } = auth;
      const why = rejected ? 'the server refused it' : `it expires at ${iso(stored.expiresAt)}`;
      deps.trace?.(`refreshing the access token of profile "${c.profile}" at ${auth.tokenEndpoint} (${why})`);
      const { withOidc } = await import('../oidc/load.js');
      const fresh = await withOidc((m) =>
        m.refreshGrant({ ...auth, refreshToken }, again, {
          notify: () => undefined,
          ...(deps.trace && { trace: deps.trace }),
          onSecret: deps.onSecret,
          signal: deps.signal,
          timeoutMs: deps.timeoutMs(),
          now: () => deps.clock.now(),
          env: deps.env,
        }),
      );
      const next: StoredOidc = {
        ...auth,
        accessToken: fresh.accessToken,
        expiresAt: iso(fresh.accessExpiresAt),
        obtainedAt: iso(fresh.obtainedAt),
        ...(fresh.refreshToken && { refreshToken: fresh.refreshToken }),
        ...(fresh.email !== undefined && { email: fresh.email }),
      };
      profile.auth = next;
      held.set(c.profile, heldOf(next));
      deps.trace?.(`the new access token of profile "${c.profile}" expires at ${next.expiresAt}`);
      return { next: data, result: fresh.accessToken };
    });

  return async (c, o = {}) => {
    const now = deps.clock.now();
    const inHand = held.get(c.profile) ?? { token: c.accessToken, expiresAt: c.expiresAt, obtainedAt: c.obtainedAt };
    deps.onSecret(inHand.token);
    if (inHand.token !== o.rejected && isFresh(inHand, now)) return inHand.token;
    let run = running.get(c.profile);
    if (!run) {
      run = renew(c, o.rejected).finally(() => running.delete(c.profile));
      running.set(c.profile, run);
    }
    return run;
  };
}
