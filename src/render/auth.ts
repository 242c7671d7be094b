/**
 * `cluster auth status` for people: one `Label  value  (from)` line per connection setting, then
 * what the server said. Every stored or server string is sanitised.
 */
import type { Connection, Source } from '../config/connection.js';
import { sanitizeLine } from '../io/sanitize.js';
import { append, maxOf } from '../util/arrays.js';
import { visibleWidth } from './text.js';

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
  /** Environment variables set aside because --profile named the profile (it wins over them). */
  ignored_env: string[];
  server: {
    reachable: boolean;
    /** null when unknown (unreachable). */
    authentication: 'on' | 'off' | null;
    provider: string | null;
    authorised: boolean | null;
    version: string | null;
    edition: string | null;
    /** The server's source revision (`/v0/config`), when it says. */
    revision: string | null;
  };
  /** `memberships`: how many tenants the login is a member of; null from Feldera before v0.330, which does not say. */
  session: {
    tenant_id: string | null;
    tenant_name: string | null;
    role: string | null;
    memberships: number | null;
  } | null;
  ok: boolean;
  error: { kind: string; message: string; hint: string | null } | null;
  /** The OIDC login in use (`cluster login --oidc`), as stored after this run; null for other credentials. */
  oidc?: OidcIdentity | null;
}

export interface OidcIdentity {
  subject: string;
  email: string | null;
  issuer: string;
  client_id: string;
  /** RFC 3339. */
  access_token_expires_at: string;
  /** A refresh token is stored: the access token is renewed when it is about to expire. */
  refresh_token: boolean;
}

type Paint = { dim(s: string): string; green(s: string): string; red(s: string): string; yellow(s: string): string };
/** A line of the report: label, value and, for a setting, where it came from. */
type Line = [string, string, string?];

const from = (s: Setting<unknown>) => `(${s.from})`;

/**
 * The human form: one `Label  value  (from)` line per setting, then what the server said. `shown`
 * is what the output streams make of a text (io/secrets.ts masks credentials there): every cell
 * passes it before it is measured, so a token command that holds a secret is padded as it is
 * shown, not as it was stored.
 */
export function renderReport(r: AuthStatusReport, paint: Paint, shown: (text: string) => string = (t) => t): string {
  const lines = [...settingLines(r, paint), ...serverLines(r, paint)].map(
    ([k, v, f]): Line => [shown(k), shown(v), f === undefined ? undefined : shown(f)],
  );
  const w1 = maxOf(lines, (l) => visibleWidth(l[0])) + 2;
  const w2 =
    maxOf(
      lines.filter((l) => l[2]),
      (l) => visibleWidth(l[1]),
    ) + 2;
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(1, width - visibleWidth(text)));
  return `${lines.map(([k, v, f]) => (f ? `${pad(k, w1)}${pad(v, w2)}${paint.dim(f)}` : `${pad(k, w1)}${v}`).trimEnd()).join('\n')}\n`;
}

function settingLines(r: AuthStatusReport, paint: Paint): Line[] {
  const lines: Line[] = [];
  lines.push(['Profile', r.profile.value ?? 'none', r.profile.value ? from(r.profile) : undefined]);
  if (r.ignored_env.length) {
    const why = 'the profile named with --profile wins over the environment';
    lines.push(['', paint.yellow(`not used: ${r.ignored_env.join(', ')} (${why})`)]);
  }
  lines.push(['Host', sanitizeLine(r.host.value), from(r.host)]);
  const credentialFrom = r.credential.kind === 'none' && r.credential.withheld ? undefined : from(r.credential);
  lines.push(['Credential', r.credential.value, credentialFrom]);
  if (r.credential.withheld) lines.push(['', paint.yellow(`not sent: ${sanitizeLine(r.credential.withheld)}`)]);
  if (r.oidc) append(lines, oidcLines(r.oidc));
  lines.push(['Tenant', r.tenant.value === null ? '-' : sanitizeLine(r.tenant.value), from(r.tenant)]);
  lines.push(tlsLine(r, paint));
  lines.push(['Timeout', `${r.request_timeout_s.value} s`, from(r.request_timeout_s)]);
  lines.push(['Retries', String(r.retries.value), from(r.retries)]);
  const withheldOther = r.withheld.filter((w) => w !== 'credential');
  if (withheldOther.length) {
    const what = `not applied from profile "${r.profile.value}" (other host): ${withheldOther.join(', ')}`;
    lines.push(['', paint.yellow(what)]);
  }
  return lines;
}

/** An OIDC login: who, at which issuer, and until when the access token serves. */
function oidcLines(o: OidcIdentity): Line[] {
  const renew = o.refresh_token ? 'then renewed with the stored refresh token' : 'no refresh token: log in again then';
  return [
    ['Identity', `${sanitizeLine(o.subject)}${o.email ? ` (${sanitizeLine(o.email)})` : ''}`],
    ['Issuer', `${sanitizeLine(o.issuer)} (client ${sanitizeLine(o.client_id)})`],
    ['Expires', `access token ${o.access_token_expires_at}, ${renew}`],
  ];
}

/** Plain http has no TLS to verify: say so rather than "verified", whatever --insecure or a CA say. */
function tlsLine(r: AuthStatusReport, paint: Paint): Line {
  if (/^http:/i.test(r.host.value)) {
    const unused = [r.insecure.value && r.insecure.from, r.ca_cert.value && r.ca_cert.from].filter(Boolean);
    return ['TLS', `none: plain http${unused.length ? paint.dim(` (${unused.join(', ')}: not used)`) : ''}`];
  }
  if (r.insecure.value) return ['TLS', paint.yellow('certificates NOT verified (insecure)'), from(r.insecure)];
  if (r.ca_cert.value) return ['TLS', `verified, extra CA ${sanitizeLine(r.ca_cert.value)}`, from(r.ca_cert)];
  return ['TLS', 'verified', from(r.insecure)];
}

function serverLines(r: AuthStatusReport, paint: Paint): Line[] {
  const lines: Line[] = [];
  const s = r.server;
  if (!s.reachable) lines.push(['Server', paint.red('unreachable')]);
  else if (s.version !== null) {
    const version = `Feldera ${sanitizeLine(s.version)} (${sanitizeLine(s.edition ?? '?')})`;
    lines.push(['Server', `${paint.green('reachable')}, ${version}`]);
  } else lines.push(['Server', paint.green('reachable')]);
  if (s.authentication !== null) lines.push(['Auth', authText(r, paint)]);
  if (r.session) lines.push(['Session', sessionText(r.session)]);
  return lines;
}

/**
 * What the server's authentication means for this connection, in words that agree with the
 * Credential line: with authentication off nothing is checked, so nothing was "accepted".
 */
function authText(r: AuthStatusReport, paint: Paint): string {
  const s = r.server;
  const none = r.credential.kind === 'none';
  if (s.authentication === 'off')
    return none ? 'off: no credential needed' : 'off: no credential needed (the one given is not checked)';
  const mode = `on (${sanitizeLine(s.provider ?? '?')})`;
  if (s.authorised === true) return `${mode}, ${paint.green('credential accepted')}`;
  if (s.authorised === false) return `${mode}, ${paint.red(none ? 'no credential sent' : 'credential NOT accepted')}`;
  return mode;
}

function sessionText(session: NonNullable<AuthStatusReport['session']>): string {
  const id = session.tenant_id ? sanitizeLine(session.tenant_id) : undefined;
  let tenant = id ?? '-';
  if (session.tenant_name) tenant = `${sanitizeLine(session.tenant_name)}${id ? ` (${id})` : ''}`;
  const role = session.role ? sanitizeLine(session.role) : '-';
  const memberships = session.memberships ? `, member of ${session.memberships} tenant(s)` : '';
  return `tenant ${tenant}, role ${role}${memberships}`;
}
