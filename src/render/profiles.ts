/**
 * `cluster profile list` for people and for pipes: a borderless table at a terminal (the current
 * profile marked, the least useful columns dropped until it fits), tab-separated rows when piped.
 * Credentials arrive already masked; every stored string is sanitised.
 */
import { sanitizeLine } from '../io/sanitize.js';
import type { PaintKit } from './kit.js';
import { plainTable } from './table.js';
import { flow, widest } from './text.js';

export interface ProfileRow {
  name: string;
  current: boolean;
  host: string;
  auth: string;
  /** Masked key, masked token, the token command, or null. */
  credential: string | null;
  tenant: string | null;
  insecure: boolean;
  ca_cert: string | null;
  server_version: string | null;
  server_edition: string | null;
}

/** Piped: one tab-separated line per profile, no header, nothing but sanitised text. */
export function plainRows(rows: readonly ProfileRow[]): string {
  return rows
    .map(
      (r) =>
        `${[r.name, r.host, r.auth, r.credential ?? '-', r.current ? 'current' : '']
          .map((f) => sanitizeLine(f).replace(/\t/g, ' '))
          .join('\t')}\n`,
    )
    .join('');
}

const OPTIONAL = ['SERVER', 'TENANT', 'CREDENTIAL'] as const;
const COLUMNS = ['NAME', 'HOST', 'AUTH', 'CREDENTIAL', 'TENANT', 'SERVER'] as const;

/**
 * The terminal table, at most `columns` wide: drops SERVER, then TENANT, then CREDENTIAL (`auth
 * status` shows them all); where even NAME, HOST and AUTH do not fit, each profile is stacked on
 * lines of its own, every field flowed to the width.
 */
export function renderProfileTable(rows: readonly ProfileRow[], columns: number, kit: PaintKit): string {
  const c = kit.color;
  const cells = rows.map((r) => ({
    mark: r.current ? c.green('*') : '',
    NAME: r.current ? c.bold(sanitizeLine(r.name)) : sanitizeLine(r.name),
    HOST: sanitizeLine(r.host) + (r.insecure ? c.yellow(' (insecure)') : ''),
    AUTH: r.auth,
    CREDENTIAL: sanitizeLine(r.credential ?? '-'),
    TENANT: sanitizeLine(r.tenant ?? ''),
    SERVER: sanitizeLine(
      r.server_version ? `${r.server_version}${r.server_edition ? ` (${r.server_edition})` : ''}` : '',
    ),
  }));
  for (let drop = 0; drop <= OPTIONAL.length; drop++) {
    const shown = COLUMNS.filter((k) => !(OPTIONAL.slice(0, drop) as readonly string[]).includes(k));
    const text = plainTable(
      kit,
      ['', ...shown],
      cells.map((row) => [row.mark, ...shown.map((k) => row[k])]),
    );
    if (widest(text) <= columns) return `${text}\n`;
  }
  const lines = cells.flatMap((row, i) => {
    const r = rows[i]!;
    return [
      ...flow([`${row.mark || ' '} ${row.NAME}`, row.HOST], columns, { hang: '    ' }),
      ...flow(
        [
          `auth ${row.AUTH}`,
          ...(r.credential === null ? [] : [row.CREDENTIAL]),
          ...(row.TENANT ? [`tenant ${row.TENANT}`] : []),
          ...(row.SERVER ? [`server ${row.SERVER}`] : []),
        ],
        columns,
        { indent: '    ', hang: '      ' },
      ),
    ];
  });
  return `${lines.join('\n')}\n`;
}
