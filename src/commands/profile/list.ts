/**
 * `cluster profile list`: the stored profiles, the current one marked, credentials masked.
 * A table at a terminal; tab-separated rows when piped (name, host, auth kind, credential,
 * `current` or empty); `--json` an array of objects (credentials masked there too).
 */
import { maskSecret } from '../../config/connection.js';
import { profileNames, type ConfigData, type Profile } from '../../config/profiles.js';
import type { Context } from '../../context.js';
import { EXIT } from '../../errors.js';
import { sanitizeLine } from '../../io/sanitize.js';

export interface ProfileRow {
  name: string;
  current: boolean;
  host: string;
  auth: Profile['auth']['kind'];
  /** Masked key, masked token, the token command, or null. */
  credential: string | null;
  tenant: string | null;
  insecure: boolean;
  ca_cert: string | null;
  server_version: string | null;
  server_edition: string | null;
}

export function credentialText(p: Profile): string | null {
  switch (p.auth.kind) {
    case 'apikey':
      return maskSecret(p.auth.apiKey);
    case 'token':
      return maskSecret(p.auth.token);
    case 'token-command':
      return p.auth.command;
    default:
      return null;
  }
}

/** The active profile name as other commands would pick it (CLUSTER_PROFILE, else the current one). */
export function activeName(config: ConfigData, env: Record<string, string | undefined>): string | undefined {
  return env.CLUSTER_PROFILE || config.current || (Object.prototype.hasOwnProperty.call(config.profiles, 'default') ? 'default' : undefined);
}

export function profileRows(config: ConfigData, active: string | undefined): ProfileRow[] {
  return profileNames(config).map((name) => {
    const p = config.profiles[name]!;
    return {
      name,
      current: name === active,
      host: p.host,
      auth: p.auth.kind,
      credential: credentialText(p),
      tenant: p.tenant ?? null,
      insecure: p.insecure === true,
      ca_cert: p.caCert ?? null,
      server_version: p.serverVersion ?? null,
      server_edition: p.serverEdition ?? null,
    };
  });
}

/** Piped: one tab-separated line per profile, no header, nothing but sanitised text. */
export function plainRows(rows: ProfileRow[]): string {
  return rows
    .map((r) => [r.name, r.host, r.auth, r.credential ?? '-', r.current ? 'current' : ''].map((f) => sanitizeLine(f).replace(/\t/g, ' ')).join('\t') + '\n')
    .join('');
}

export async function run(opts: { json?: boolean } & Record<string, unknown>, ctx: Context): Promise<number> {
  const { io, env } = ctx;
  const config = ctx.config();
  const rows = profileRows(config, activeName(config, env));
  if (opts.json) {
    io.stdout.write(JSON.stringify(rows, null, io.stdoutIsTTY ? 2 : undefined) + '\n');
    return EXIT.OK;
  }
  if (rows.length === 0) {
    io.stderr.write('no stored profiles; create one with `cluster login`\n');
    return EXIT.OK;
  }
  if (!io.stdoutIsTTY) {
    io.stdout.write(plainRows(rows));
    return EXIT.OK;
  }
  const [{ default: Table }, { palette }] = await Promise.all([import('cli-table3'), import('../../render/style.js')]);
  const c = palette(io.color);
  const cells = rows.map((r) => ({
    mark: r.current ? c.green('*') : '',
    NAME: r.current ? c.bold(sanitizeLine(r.name)) : sanitizeLine(r.name),
    HOST: sanitizeLine(r.host) + (r.insecure ? c.yellow(' (insecure)') : ''),
    AUTH: r.auth,
    CREDENTIAL: sanitizeLine(r.credential ?? '-'),
    TENANT: sanitizeLine(r.tenant ?? ''),
    SERVER: sanitizeLine(r.server_version ? `${r.server_version}${r.server_edition ? ` (${r.server_edition})` : ''}` : ''),
  }));
  // Fit the terminal: drop the least useful columns first (`cluster auth status` shows them all).
  const optional = ['SERVER', 'TENANT', 'CREDENTIAL'] as const;
  let columns: string[] = ['NAME', 'HOST', 'AUTH', 'CREDENTIAL', 'TENANT', 'SERVER'];
  let text = '';
  for (let drop = 0; drop <= optional.length; drop++) {
    columns = columns.filter((k) => !optional.slice(0, drop).includes(k as (typeof optional)[number]));
    const table = new Table({
      head: ['', ...columns].map((h) => c.bold(h)),
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' },
    });
    for (const row of cells) table.push([row.mark, ...columns.map((k) => row[k as keyof typeof row])]);
    text = table.toString().replace(/[ \t]+$/gm, '');
    // eslint-disable-next-line no-control-regex
    const widest = Math.max(...text.split('\n').map((l) => [...l.replace(/\u001b\[[0-9;]*m/g, '')].length));
    if (widest <= io.columns) break;
  }
  io.stdout.write(text + '\n');
  const current = rows.find((r) => r.current);
  if (env.CLUSTER_PROFILE && !current) io.stderr.write(`note: CLUSTER_PROFILE=${sanitizeLine(env.CLUSTER_PROFILE)} names no stored profile\n`);
  return EXIT.OK;
}
