/**
 * `cluster auth status`: for the active connection, where each setting came from (flag,
 * environment, profile, default), whether the server answers, its version and edition, whether it
 * wants a credential, and the tenant and role the credential acts as. Exit 1 when the server cannot
 * be reached or does not accept the credential.
 */
import type { ClusterClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import type { SessionInfo } from '../../api/types.js';
import { credentialTransportProblem, describeCredential, type Connection, type Source } from '../../config/connection.js';
import { readAuthMode, type AuthMode } from '../shared/verify.js';
import type { Context } from '../../context.js';
import { CliError, EXIT } from '../../errors.js';
import { sanitizeLine } from '../../io/sanitize.js';

export interface Setting<T> {
  value: T;
  source: Source;
  /** The flag, variable or profile the value came from, e.g. `--host`, `FELDERA_HOST`, `profile "prod"`. */
  from: string;
}

export interface AuthStatusReport {
  profile: Setting<string | null>;
  host: Setting<string>;
  credential: Setting<string> & { kind: Connection['credential']['kind']; withheld: string | null };
  tenant: Setting<string | null>;
  insecure: Setting<boolean>;
  ca_cert: Setting<string | null>;
  request_timeout_s: Setting<number>;
  retries: Setting<number>;
  /** Profile settings not applied because the host is another one. */
  withheld: string[];
  server: {
    reachable: boolean;
    /** null when unknown (unreachable). */
    authentication: 'on' | 'off' | null;
    provider: string | null;
    authorised: boolean | null;
    version: string | null;
    edition: string | null;
  };
  session: { tenant_id: string | null; tenant_name: string | null; role: string | null; memberships: number } | null;
  ok: boolean;
  error: { kind: string; message: string; hint: string | null } | null;
}

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
    if (source === 'env') return conn.credential.kind === 'token-command' ? 'FELDERA_AUTH_TOKEN_COMMAND' : 'FELDERA_API_KEY';
    return 'flag';
  }
  const names = NAMES[key]!;
  return source === 'flag' ? names[0] : names[1];
}

/** The settings half of the report: no requests. */
export function settingsOf(conn: Connection): Omit<AuthStatusReport, 'server' | 'session' | 'ok' | 'error'> {
  const s = conn.sources;
  const set = <T>(key: keyof typeof NAMES, value: T, source: Source): Setting<T> => ({ value, source, from: fromOf(key, source, conn) });
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
  const server: AuthStatusReport['server'] = { reachable: false, authentication: null, provider: null, authorised: null, version: null, edition: null };
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
  return { tenant_id: s.tenant_id ?? null, tenant_name: s.tenant_name ?? null, role: s.role ?? null, memberships: s.memberships.length };
}

/** The human form: one `Label  value  (from)` line per setting, then what the server said. */
export function renderReport(r: AuthStatusReport, paint: { dim(s: string): string; green(s: string): string; red(s: string): string; yellow(s: string): string }): string {
  const lines: [string, string, string?][] = [];
  const from = (s: Setting<unknown>) => `(${s.from})`;
  lines.push(['Profile', r.profile.value ?? 'none', r.profile.value ? from(r.profile) : undefined]);
  lines.push(['Host', sanitizeLine(r.host.value), from(r.host)]);
  lines.push(['Credential', r.credential.value, r.credential.kind === 'none' && r.credential.withheld ? undefined : from(r.credential)]);
  if (r.credential.withheld) lines.push(['', paint.yellow(`not sent: ${sanitizeLine(r.credential.withheld)}`)]);
  lines.push(['Tenant', r.tenant.value === null ? '-' : sanitizeLine(r.tenant.value), from(r.tenant)]);
  const tls = r.insecure.value ? paint.yellow('certificates NOT verified (insecure)') : r.ca_cert.value ? `verified, extra CA ${sanitizeLine(r.ca_cert.value)}` : 'verified';
  lines.push(['TLS', tls, r.insecure.value ? from(r.insecure) : r.ca_cert.value ? from(r.ca_cert) : from(r.insecure)]);
  lines.push(['Timeout', `${r.request_timeout_s.value} s`, from(r.request_timeout_s)]);
  lines.push(['Retries', String(r.retries.value), from(r.retries)]);
  const withheldOther = r.withheld.filter((w) => w !== 'credential');
  if (withheldOther.length) lines.push(['', paint.yellow(`not applied from profile "${r.profile.value}" (other host): ${withheldOther.join(', ')}`)]);

  const s = r.server;
  if (!s.reachable) lines.push(['Server', paint.red('unreachable')]);
  else if (s.version !== null) lines.push(['Server', `${paint.green('reachable')}, Feldera ${sanitizeLine(s.version)} (${sanitizeLine(s.edition ?? '?')})`]);
  else lines.push(['Server', paint.green('reachable')]);
  if (s.authentication !== null) {
    const mode = s.authentication === 'on' ? `on (${sanitizeLine(s.provider ?? '?')})` : 'off';
    const verdict = s.authorised === true ? paint.green('credential accepted') : s.authorised === false ? paint.red('credential NOT accepted') : '';
    lines.push(['Auth', verdict ? `${mode}, ${verdict}` : mode]);
  }
  if (r.session) {
    const t = r.session.tenant_name ? `${sanitizeLine(r.session.tenant_name)}${r.session.tenant_id ? ` (${sanitizeLine(r.session.tenant_id)})` : ''}` : r.session.tenant_id ? sanitizeLine(r.session.tenant_id) : '-';
    lines.push(['Session', `tenant ${t}, role ${r.session.role ? sanitizeLine(r.session.role) : '-'}${r.session.memberships ? `, member of ${r.session.memberships} tenant(s)` : ''}`]);
  }
  const w1 = Math.max(...lines.map((l) => l[0].length)) + 2;
  const plain = (t: string) => t.replace(/\u001b\[[0-9;]*m/g, '');
  const w2 = Math.max(...lines.filter((l) => l[2]).map((l) => plain(l[1]).length)) + 2;
  return lines
    .map(([k, v, f]) => (f ? `${k.padEnd(w1)}${v}${' '.repeat(Math.max(1, w2 - plain(v).length))}${paint.dim(f)}` : `${k.padEnd(w1)}${v}`).replace(/\s+$/, ''))
    .join('\n') + '\n';
}

export async function run(opts: { json?: boolean } & Record<string, unknown>, ctx: Context): Promise<number> {
  const { io } = ctx;
  const conn = ctx.connection(); // unknown profile, bad flags: thrown as usual
  const settings = settingsOf(conn);
  const result = await probe(conn, (c) => ctx.client({ connection: c }));
  const report: AuthStatusReport = { ...settings, ...result };
  if (opts.json) {
    io.stdout.write(JSON.stringify(report, null, io.stdoutIsTTY ? 2 : undefined) + '\n');
  } else {
    const { palette } = await import('../../render/style.js');
    const c = palette(io.color);
    io.stdout.write(renderReport(report, { dim: c.dim, green: c.green, red: c.red, yellow: c.yellow }));
  }
  if (report.error) {
    const c = (await import('../../render/style.js')).palette(io.colorErr);
    io.stderr.write(`${c.red('error:')} ${report.error.message}\n`);
    if (report.error.hint) io.stderr.write(`${c.dim(`hint: ${report.error.hint}`)}\n`);
  }
  return report.ok ? EXIT.OK : EXIT.FAILURE;
}
