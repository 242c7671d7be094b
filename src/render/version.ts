/**
 * `cluster version`: `key: value` lines, aligned at a terminal. Server strings are sanitised.
 */
import type { Supports } from '../domain/feldera-versions.js';
import { sanitizeLine } from '../io/sanitize.js';
import { maxOf } from '../util/arrays.js';

export interface VersionReport {
  client: { name: string; version: string };
  server: { host: string; version: string; edition: string; revision: string | null; supports: Supports | null } | null;
  error: { kind: string; message: string; hint: string | null } | null;
}

function supportsText(s: Supports): string {
  const yes = (ok: boolean, what: string) => `${what} ${ok ? 'yes' : 'no'}`;
  return [
    yes(s.cluster_healthz, 'status'),
    yes(s.cluster_events, 'events'),
    yes(s.unchanged_since_from_history, 'unchanged_since from history'),
  ].join(', ');
}

export function renderVersion(r: VersionReport, view: { tty: boolean }): string {
  const rows: [string, string][] = [['client', r.client.version]];
  const s = r.server;
  if (s) {
    rows.push(
      ['host', sanitizeLine(s.host)],
      ['server', sanitizeLine(s.version)],
      ['edition', sanitizeLine(s.edition)],
    );
    if (s.revision !== null) rows.push(['revision', sanitizeLine(s.revision)]);
    if (s.supports) rows.push(['supports', supportsText(s.supports)]);
  }
  const width = view.tty ? maxOf(rows, ([k]) => k.length) + 2 : 0;
  return `${rows.map(([k, v]) => (view.tty ? `${k.padEnd(width)}${v}` : `${k}: ${v}`)).join('\n')}\n`;
}
