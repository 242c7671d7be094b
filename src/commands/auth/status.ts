/**
 * `cluster auth status`: for the active connection, where each setting came from (flag,
 * environment, profile, default), whether the server answers, its version and edition, whether it
 * wants a credential, and the tenant and role the credential acts as. Exit 1 when the server cannot
 * be reached or does not accept the credential.
 */
import { Command } from 'commander';
import { credentialTransportProblem, describeCredential } from '../../api/auth.js';
import type { ClusterClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import type { SessionInfo } from '../../api/types.js';
import type { Connection, Source } from '../../config/connection.js';
import { getProfile, readConfig } from '../../config/profiles.js';
import type { Context } from '../../context.js';
import { CliError, EXIT } from '../../errors.js';
import { type AuthStatusReport, type OidcIdentity, renderReport, type Setting } from '../../render/auth.js';
import { writeJson } from '../../render/json.js';
import { paintKit } from '../../render/kit.js';
import type { Factory, Run } from '../factory.js';

export type { AuthStatusReport, Setting };

import { type AuthMode, readAuthMode } from '../../queries/login-check.js';
import { examples, jsonOption } from '../flags.js';

const NAMES: Record<string, [flag: string, env: string]> = {
  host: ['--host', 'FELDERA_HOST'],
  tenant: ['--tenant', 'FELDERA_TENANT'],
  insecure: ['--insecure', 'FELDERA_TLS_INSECURE'],
  caCert: ['--ca-cert', 'FELDERA_HTTPS_TLS_CERT'],
  timeout: ['--request-timeout', 'FELDERA_REQUEST_TIMEOUT'],
  retries: ['--retries', 'FELDERA_RETRIES'],
  profile: ['--profile', 'CLUSTER_PROFILE'],
};

function fromOf(key: keyof typeof NAMES | 'credential', source: Source, conn: Connection): string {
  if (source === 'default') return 'default';
  if (source === 'profile') return key === 'profile' ? 'current profile' : `profile "${conn.profileName ?? ''}"`;
  if (key === 'credential') {
    if (source === 'env')
      return conn.credential.kind === 'token-command' ? 'FELDERA_AUTH_TOKEN_COMMAND' : 'FELDERA_API_KEY';
    return 'flag';
  }
  const names = NAMES[key]!;
  return source === 'flag' ? names[0] : names[1];
}

/** The settings half of the report: no requests. */
export function settingsOf(conn: Connection): Omit<AuthStatusReport, 'server' | 'session' | 'ok' | 'error'> {
  const s = conn.sources;
  const set = <T>(key: keyof typeof NAMES, value: T, source: Source): Setting<T> => ({
    value,
    source,
    from: fromOf(key, source, conn),
  });
  return {
    profile: set('profile', conn.profileName ?? null, s.profile),
    host: set('host', conn.host, s.host),
    credential: {
      value: conn.credential.kind === 'none' ? 'none' : describeCredential(conn.credential),
      kind: conn.credential.kind,
      source: s.credential,
      from: fromOf('credential', s.credential, conn),
      withheld: conn.credentialWithheld ?? null,
    },
    tenant: set('tenant', conn.tenant ?? null, s.tenant),
    insecure: set('insecure', conn.insecure, s.insecure),
    ca_cert: set('caCert', conn.caCert ?? null, s.caCert),
    request_timeout_s: set('timeout', conn.timeoutMs / 1000, s.timeout),
    retries: set('retries', conn.retries, s.retries),
    withheld: conn.withheld ?? [],
    ignored_env: conn.ignoredEnv ?? [],
  };
}

function errorOf(e: unknown): AuthStatusReport['error'] {
  if (e instanceof CliError) return { kind: e.kind, message: e.message, hint: e.hint ?? null };
  throw e;
}

/** Ask the server: authentication mode (no credential), then version and session with the credential. */
export async function probe(
  conn: Connection,
  makeClient: (conn: Connection) => Promise<ClusterClient>,
): Promise<Pick<AuthStatusReport, 'server' | 'session' | 'ok' | 'error'>> {
  const server: AuthStatusReport['server'] = {
    reachable: false,
    authentication: null,
    provider: null,
    authorised: null,
    version: null,
    edition: null,
    revision: null,
  };
  let session: AuthStatusReport['session'] = null;

  const anon = await makeClient({ ...conn, credential: { kind: 'none' } });
  let mode: AuthMode;
  try {
    mode = await readAuthMode(anon);
  } catch (e) {
    // Reached, but not a Feldera answer: still reachable, the error explains the rest.
    if (e instanceof ApiError && e.status !== undefined) server.reachable = true;
    return { server, session, ok: false, error: errorOf(e) };
  } finally {
    anon.close();
  }
  server.reachable = true;
  server.authentication = mode.on ? 'on' : 'off';
  server.provider = mode.provider ?? null;

  const refusal = credentialTransportProblem(conn.host, conn.credential);
  if (refusal) return { server, session, ok: false, error: errorOf(refusal) };

  let client: ClusterClient;
  try {
    client = await makeClient(conn);
  } catch (e) {
    return { server, session, ok: false, error: errorOf(e) };
  }
  try {
    const { data } = await client.platformConfig();
    server.authorised = true;
    server.version = data.version;
    server.edition = data.edition;
    server.revision = data.revision ?? null;
  } catch (e) {
    if (e instanceof ApiError && (e.apiKind === 'unauthorized' || e.apiKind === 'forbidden')) server.authorised = false;
    client.close();
    return { server, session, ok: false, error: errorOf(e) };
  }
  let error: AuthStatusReport['error'] = null;
  try {
    const { data } = await client.session();
    session = sessionOf(data);
  } catch (e) {
    // An older server without /v0/config/session: the rest of the answer stands.
    if (e instanceof ApiError && e.apiKind === 'no-api') session = null;
    else error = errorOf(e);
  } finally {
    client.close();
  }
  return { server, session, ok: error === null, error };
}

function sessionOf(s: SessionInfo): NonNullable<AuthStatusReport['session']> {
  return {
    tenant_id: s.tenant_id ?? null,
    tenant_name: s.tenant_name ?? null,
    role: s.role ?? null,
    memberships: s.memberships?.length ?? null,
  };
}

export interface AuthStatusOptions {
  json: boolean;
}

export function newCmdStatus(f: Factory, runF: Run<AuthStatusOptions> = authStatusRun): Command {
  return new Command('status')
    .description('where each connection setting comes from, reachability, server version, tenant and role')
    .addOption(jsonOption())
    .addHelpText('after', examples('cluster auth status', 'cluster auth status --profile prod --json | jq .server'))
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const opts = { json: flags.json ?? false };
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

/**
 * The OIDC login in use, as stored now: read again after the probe, which may have refreshed the
 * access token (or found it refreshed by another process).
 */
export function oidcIdentityOf(conn: Connection, env: Record<string, string | undefined>): OidcIdentity | null {
  if (conn.credential.kind !== 'oidc') return null;
  const auth = getProfile(readConfig(env), conn.credential.profile)?.auth;
  if (auth?.kind !== 'oidc') return null;
  return {
    subject: auth.subject,
    email: auth.email ?? null,
    issuer: auth.issuer,
    client_id: auth.clientId,
    access_token_expires_at: auth.expiresAt,
    refresh_token: auth.refreshToken !== undefined,
  };
}

export async function authStatusRun(opts: AuthStatusOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const conn = ctx.connection(); // unknown profile, bad flags: thrown as usual
  const report: AuthStatusReport = {
    ...settingsOf(conn),
    ...(await probe(conn, (c) => ctx.client({ connection: c }))),
  };
  report.oidc = oidcIdentityOf(conn, ctx.env);
  if (opts.json) writeJson(io, report);
  else {
    const c = (await paintKit(io.color)).color;
    io.stdout.write(
      renderReport(report, { dim: c.dim, green: c.green, red: c.red, yellow: c.yellow }, (t) => ctx.shown(t)),
    );
  }
  if (report.error)
    ctx.printer.error({
      message: report.error.message,
      hint: report.error.hint ?? undefined,
      kind: report.error.kind,
      exitCode: EXIT.FAILURE,
    });
  return report.ok ? EXIT.OK : EXIT.FAILURE;
}
