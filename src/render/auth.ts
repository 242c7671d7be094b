/**
 * `cluster auth status` for people: one `Label  value  (from)` line per connection setting, then
 * what the server said. Every stored or server string is sanitised.
 */
import type { Connection, Source } from '../config/connection.js';
import { sanitizeLine } from '../io/sanitize.js';
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
}

/** The human form: one `Label  value  (from)` line per setting, then what the server said. */
export function renderReport(
  r: AuthStatusReport,
  paint: { dim(s: string): string; green(s: string): string; red(s: string): string; yellow(s: string): string },
): string {
  const lines: [string, string, string?][] = [];
  const from = (s: Setting<unknown>) => `(${s.from})`;
  lines.push(['Profile', r.profile.value ?? 'none', r.profile.value ? from(r.profile) : undefined]);
  if (r.ignored_env.length)
    lines.push([
      '',
      paint.yellow(
        `not used: ${r.ignored_env.join(', ')} (the profile named with --profile wins over the environment)`,
      ),
    ]);
  lines.push(['Host', sanitizeLine(r.host.value), from(r.host)]);
  lines.push([
    'Credential',
    r.credential.value,
    r.credential.kind === 'none' && r.credential.withheld ? undefined : from(r.credential),
  ]);
  if (r.credential.withheld) lines.push(['', paint.yellow(`not sent: ${sanitizeLine(r.credential.withheld)}`)]);
  lines.push(['Tenant', r.tenant.value === null ? '-' : sanitizeLine(r.tenant.value), from(r.tenant)]);
  const tls = r.insecure.value
    ? paint.yellow('certificates NOT verified (insecure)')
    : r.ca_cert.value
      ? `verified, extra CA ${sanitizeLine(r.ca_cert.value)}`
      : 'verified';
  lines.push(['TLS', tls, r.insecure.value ? from(r.insecure) : r.ca_cert.value ? from(r.ca_cert) : from(r.insecure)]);
  lines.push(['Timeout', `${r.request_timeout_s.value} s`, from(r.request_timeout_s)]);
  lines.push(['Retries', String(r.retries.value), from(r.retries)]);
  const withheldOther = r.withheld.filter((w) => w !== 'credential');
  if (withheldOther.length)
    lines.push([
      '',
      paint.yellow(`not applied from profile "${r.profile.value}" (other host): ${withheldOther.join(', ')}`),
    ]);

  const s = r.server;
  if (!s.reachable) lines.push(['Server', paint.red('unreachable')]);
  else if (s.version !== null)
    lines.push([
      'Server',
      `${paint.green('reachable')}, Feldera ${sanitizeLine(s.version)} (${sanitizeLine(s.edition ?? '?')})`,
    ]);
  else lines.push(['Server', paint.green('reachable')]);
  if (s.authentication !== null) {
    const mode = s.authentication === 'on' ? `on (${sanitizeLine(s.provider ?? '?')})` : 'off';
    const verdict =
      s.authorised === true
        ? paint.green('credential accepted')
        : s.authorised === false
          ? paint.red('credential NOT accepted')
          : '';
    lines.push(['Auth', verdict ? `${mode}, ${verdict}` : mode]);
  }
  if (r.session) {
    const t = r.session.tenant_name
      ? `${sanitizeLine(r.session.tenant_name)}${r.session.tenant_id ? ` (${sanitizeLine(r.session.tenant_id)})` : ''}`
      : r.session.tenant_id
        ? sanitizeLine(r.session.tenant_id)
        : '-';
    lines.push([
      'Session',
      `tenant ${t}, role ${r.session.role ? sanitizeLine(r.session.role) : '-'}${r.session.memberships ? `, member of ${r.session.memberships} tenant(s)` : ''}`,
    ]);
  }
  const w1 = Math.max(...lines.map((l) => l[0].length)) + 2;
  const w2 = Math.max(...lines.filter((l) => l[2]).map((l) => visibleWidth(l[1]))) + 2;
  return `${lines
    .map(([k, v, f]) =>
      (f
        ? `${k.padEnd(w1)}${v}${' '.repeat(Math.max(1, w2 - visibleWidth(v)))}${paint.dim(f)}`
        : `${k.padEnd(w1)}${v}`
      ).trimEnd(),
    )
    .join('\n')}\n`;
}
