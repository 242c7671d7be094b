/**
 * `cluster logout [--profile NAME | --all]`: remove stored profiles and their credentials.
 * Without a name the active profile goes (CLUSTER_PROFILE, else the current one). When the current
 * profile is removed, the current moves to `default` or to the only one left; otherwise none is
 * current until `cluster profile use`.
 *
 * An OIDC login's refresh token (else its access token) is revoked at the identity provider where
 * it offers revocation (RFC 7009) — after the profile is removed, with the token as it was stored
 * then (another process may have rotated it). A revocation that fails leaves the profile removed and
 * says so (exit 1): the token stays valid at the provider until it expires.
 */
import { Command } from 'commander';
import { DEFAULT_TIMEOUT_S } from '../config/connection.js';
import type { ConfigData, Profile, StoredOidc } from '../config/profiles.js';
import { getProfile, profileNames, updateConfig } from '../config/profiles.js';
import type { Context } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import { didYouMean, withSuggestion } from '../util/suggest.js';
import { type Factory, globalFlags, type Run } from './factory.js';
import { examples } from './flags.js';

export interface LogoutOptions {
  /** Remove every profile. */
  all: boolean;
}

export function newCmdLogout(f: Factory, runF: Run<LogoutOptions> = logoutRun): Command {
  return new Command('logout')
    .description('remove a stored profile and its credential')
    .option('--all', 'remove every profile')
    .addHelpText(
      'after',
      examples(
        'cluster logout                  the current profile',
        'cluster logout --profile prod',
        'cluster logout --all',
      ),
    )
    .action(async (flags: { all?: boolean }, cmd: Command) => {
      if (flags.all && globalFlags(cmd).profile !== undefined)
        throw usageError('--all and --profile exclude each other');
      await f.run(cmd, runF, { all: flags.all ?? false });
    });
}

/** Which current profile remains after `removed` are gone. */
export function nextCurrent(config: ConfigData, removed: string[]): string | undefined {
  const left = profileNames(config).filter((n) => !removed.includes(n));
  if (config.current !== undefined && left.includes(config.current)) return config.current;
  if (left.includes('default')) return 'default';
  if (left.length === 1) return left[0];
  return undefined;
}

/** The profiles to remove: all, the one named, or the active one. */
function toRemove(opts: LogoutOptions, ctx: Context, config: ConfigData): string[] {
  const known = profileNames(config);
  if (opts.all) return known;
  const name =
    ctx.flags.profile ??
    (ctx.env.CLUSTER_PROFILE || config.current || (getProfile(config, 'default') ? 'default' : undefined));
  if (name === undefined) {
    throw new CliError(
      known.length ? 'no current profile to log out of' : 'not logged in: there are no stored profiles',
      {
        hint: known.length
          ? `name one with --profile NAME (known: ${known.join(', ')}), or remove all with --all`
          : undefined,
        kind: 'config',
      },
    );
  }
  if (!getProfile(config, name)) {
    throw new CliError(`no profile named "${name}"`, {
      hint: known.length
        ? withSuggestion(didYouMean(name, known), `known profiles: ${known.join(', ')}`)
        : 'there are no stored profiles',
      kind: 'config',
    });
  }
  return [name];
}

export async function logoutRun(opts: LogoutOptions, ctx: Context): Promise<number> {
  const { io, env } = ctx;
  const config = ctx.config(); // a broken file stops us here, untouched
  const removed = toRemove(opts, ctx, config);
  if (removed.length === 0) {
    ctx.printer.note('no stored profiles; nothing to remove');
    return EXIT.OK;
  }
  // Decided again on the config as it is under the lock: another process may have changed it since.
  const hosts = new Map<string, Profile>();
  let before: string | undefined;
  const saved = await updateConfig(env, (data) => {
    before = data.current;
    const gone = opts.all ? profileNames(data) : removed.filter((n) => getProfile(data, n));
    data.current = nextCurrent(data, gone);
    for (const n of gone) {
      hosts.set(n, getProfile(data, n)!);
      delete data.profiles[n];
    }
    return data;
  });

  for (const [n, p] of hosts) io.stdout.write(`Removed profile "${n}" (${sanitizeLine(p.host)}).\n`);
  if (hosts.size === 0)
    ctx.printer.note(`profile "${removed[0]}" was removed meanwhile by another cluster process; nothing to remove`);
  const wasCurrent = before !== undefined && hosts.has(before);
  if (wasCurrent && saved.current !== undefined) io.stdout.write(`The current profile is now "${saved.current}".\n`);
  else if (wasCurrent && profileNames(saved).length > 0) {
    ctx.printer.note(
      `note: no profile is current now; choose one with \`cluster profile use NAME\` (known: ${profileNames(saved).join(', ')})`,
    );
  }
  if ([...hosts.values()].some((p) => p.auth.kind === 'apikey')) {
    ctx.printer.note(
      'note: an API key stays valid on the server until it is deleted there (Feldera web console or API)',
    );
  }
  let failed: CliError | undefined;
  for (const [n, p] of hosts) if (p.auth.kind === 'oidc') failed = (await revokeLogin(n, p.auth, ctx)) ?? failed;
  if (failed) throw failed;
  return EXIT.OK;
}

/** --request-timeout / FELDERA_REQUEST_TIMEOUT as resolved for the run, else the default. */
function requestTimeoutMs(ctx: Context): number {
  try {
    return ctx.connection().timeoutMs;
  } catch {
    return DEFAULT_TIMEOUT_S * 1000; // the profile is gone now; the setting is only a bound here
  }
}

/** Revoke a removed OIDC login at its provider; the failure to report, if it failed. */
async function revokeLogin(name: string, auth: StoredOidc, ctx: Context): Promise<CliError | undefined> {
  const { revocationEndpoint } = auth;
  if (!revocationEndpoint) {
    ctx.printer.note(
      `note: the identity provider of profile "${name}" offers no token revocation; its tokens stay valid until they expire`,
    );
    return undefined;
  }
  const [token, hint] = auth.refreshToken
    ? [auth.refreshToken, 'refresh_token' as const]
    : [auth.accessToken, 'access_token' as const];
  ctx.addSecret(auth.accessToken);
  ctx.addSecret(auth.refreshToken);
  const { withOidc } = await import('../oidc/load.js');
  try {
    await withOidc((m) =>
      m.revokeToken({ ...auth, revocationEndpoint }, token, hint, {
        notify: () => undefined,
        ...(ctx.flags.verbose && { trace: (line: string) => ctx.verbose(line) }),
        onSecret: (s) => ctx.addSecret(s),
        signal: ctx.signal,
        timeoutMs: requestTimeoutMs(ctx),
        now: () => ctx.clock.now(),
        env: ctx.env,
      }),
    );
  } catch (e) {
    const why = e instanceof CliError ? e.message : String(e);
    return new CliError(`profile "${name}" was removed, but its login could not be revoked: ${why}`, {
      hint: 'the refresh token stays valid at the identity provider until it expires; revoke the session there if it matters',
      kind: 'oidc',
    });
  }
  ctx.io.stdout.write(
    `Revoked the ${hint === 'refresh_token' ? 'refresh' : 'access'} token of profile "${name}" at ${sanitizeLine(auth.issuer)}.\n`,
  );
  return undefined;
}
