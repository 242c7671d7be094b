/**
 * `cluster status`: the verdict of one instance, and the fleet table.
 *
 * Terminal: a verdict line, when it was checked, and a table of the services (health, unchanged
 * since, message cut to the width). Piped: `key: value` lines, times as the server wrote them,
 * messages whole (sanitised, on one line). Every server string is sanitised here.
 */
import { type HealthBody, type HealthStatus, SERVICES } from '../api/types.js';
import { type HealthVerdict, unchangedSince } from '../domain/health.js';
import type { ServiceStatuses } from '../domain/service-status.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import type { PaintKit } from './kit.js';
import { paintVerdict, VERDICT_MARK } from './paint.js';
import { plainTable } from './table.js';
import { cut, widest } from './text.js';
import { formatAge, formatTimestamp } from './time.js';

export interface StatusView {
  utc: boolean;
  now: number;
  columns: number;
  /** The stale limit and where it came from (`--stale-after 30m`, `20m, the default …`). */
  staleLimit: string;
  /** The server answered in the shape of Feldera v0.121–v0.200 (no api, no all_healthy). */
  legacy: boolean;
}

const LEGACY_NOTE = 'Feldera v0.121–v0.200: compiler and runner only; api answered, so taken as healthy';

/** The reason after the verdict. */
export function verdictReason(v: HealthVerdict, staleLimit: string): string {
  if (v.verdict === 'stale') {
    const age = `the latest check is ${formatDuration(v.ageMs)} old (more than ${staleLimit})`;
    return `${age}: the monitor has stopped recording, so its "all healthy" is out of date`;
  }
  if (v.verdict === 'healthy') return 'api, compiler and runner passed their last check';
  if (v.unhealthy.length === 0) return 'the server reports all_healthy false';
  return `${v.unhealthy.join(', ')} ${v.unhealthy.length === 1 ? 'is' : 'are'} not healthy`;
}

export function renderStatusTerminal(h: HealthStatus, v: HealthVerdict, view: StatusView, kit: PaintKit): string {
  const c = kit.color;
  const lines: string[] = [];
  const verdict = paintVerdict(c, v.verdict, `${VERDICT_MARK[v.verdict]} ${v.verdict}`);
  lines.push(`${verdict}  ${c.dim('·')}  ${verdictReason(v, view.staleLimit)}`);
  const age = formatAge(view.now - v.checkedAt);
  const checkedAt = `${formatTimestamp(v.checkedAt, view.utc)} (${v.verdict === 'stale' ? c.magenta.bold(age) : age})`;
  lines.push(`  ${c.dim('checked at')}  ${checkedAt}${view.legacy ? c.dim(`  · ${LEGACY_NOTE}`) : ''}`);
  lines.push('');
  const fixed = 10 + 13 + 18 + 6;
  const msgWidth = Math.max(20, view.columns - fixed);
  const rows = SERVICES.map((s) => {
    const x = h[s];
    const since = unchangedSince(h, s, view.legacy);
    return [
      c.bold(s),
      x.healthy ? c.green('✓ healthy') : c.red('✗ unhealthy'),
      since === undefined ? c.dim('unknown') : formatAge(view.now - since),
      c.dim(cut(sanitizeLine(x.message), msgWidth)),
    ];
  });
  lines.push(plainTable(kit, ['SERVICE', 'HEALTH', 'UNCHANGED SINCE', 'MESSAGE'], rows));
  return `${lines.join('\n')}\n`;
}

/** The server's text of the newest `checked_at` (all three are the same event's in practice). */
export function newestCheck(h: HealthStatus, v: HealthVerdict): string {
  return SERVICES.map((x) => h[x].checked_at).find((t) => Date.parse(t) === v.checkedAt) ?? h.api.checked_at;
}

/** Piped: stable `key: value` lines. */
export function renderStatusPlain(h: HealthStatus, v: HealthVerdict, view: StatusView): string {
  const lines: string[] = [];
  lines.push(`verdict: ${v.verdict}`);
  lines.push(`reason: ${verdictReason(v, view.staleLimit)}`);
  lines.push(`checked_at: ${sanitizeLine(newestCheck(h, v))}`);
  lines.push(`age: ${formatDuration(Math.max(0, v.ageMs))}`);
  lines.push(`all_healthy: ${h.all_healthy}`);
  if (view.legacy) lines.push(`source: ${LEGACY_NOTE}`);
  for (const s of SERVICES) {
    const x = h[s];
    lines.push(`${s}_healthy: ${x.healthy}`);
    lines.push(
      `${s}_unchanged_since: ${unchangedSince(h, s, view.legacy) === undefined ? 'unknown' : sanitizeLine(x.unchanged_since)}`,
    );
    lines.push(`${s}_message: ${sanitizeLine(x.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One fleet row: a health answer, or the error that prevented one. */
export interface FleetRow {
  profile: string;
  host: string;
  exitCode: number;
  /** In today's shape (see normalizeHealth). */
  health?: HealthStatus;
  /** As the server sent it (for --json). */
  body?: HealthBody;
  verdict?: HealthVerdict;
  /** The v0.121–v0.200 shape (no api, no all_healthy). */
  legacy?: boolean;
  /** This row's stale limit. */
  staleAfterMs?: number;
  /** The server's now, for "checked … ago". */
  now?: number;
  error?: { kind: string; message: string };
  /** Each service's MonitorStatus, when the row read them (domain/service-status.ts). */
  statuses?: ServiceStatuses;
}

export function fleetVerdictWord(r: FleetRow): string {
  if (r.verdict) return r.verdict.verdict;
  return r.error?.kind === 'unreachable' || r.error?.kind === 'timeout' || r.error?.kind === 'tls'
    ? 'unreachable'
    : 'error';
}

/** The last column of a fleet row: why it is not healthy, or the error. */
export function fleetNote(r: FleetRow): string {
  if (r.error) return sanitizeLine(r.error.message);
  if (!r.verdict) return '';
  const note = verdictNote(r.verdict, r.staleAfterMs);
  return r.legacy ? `${note ? `${note}; ` : ''}Feldera v0.121–v0.200 (api not reported)` : note;
}

/** Why a fleet row's verdict is not healthy ('' when it is). */
function verdictNote(v: HealthVerdict, staleAfterMs: number | undefined): string {
  if (v.verdict === 'stale') {
    const limit = staleAfterMs !== undefined ? ` (limit ${formatDuration(staleAfterMs)})` : '';
    return `no check for ${formatAge(v.ageMs).replace(/ ago$/, '')}${limit}: health unknown`;
  }
  if (v.verdict !== 'unhealthy') return '';
  return v.unhealthy.length ? `${v.unhealthy.join(', ')} not healthy` : 'all_healthy is false';
}

export function renderFleetTerminal(rows: readonly FleetRow[], deps: PaintKit & { columns: number }): string {
  const c = deps.color;
  const cells = rows.map((r) => {
    const word = fleetVerdictWord(r);
    const head = [c.bold(sanitizeLine(r.profile)), sanitizeLine(r.host)];
    if (r.health && r.verdict) {
      const v = r.verdict;
      const ago = formatAge((r.now ?? v.checkedAt) - v.checkedAt);
      return [
        ...head,
        paintVerdict(c, v.verdict, word),
        ...SERVICES.map((s) => (r.health![s].healthy ? c.green('✓') : c.red('✗'))),
        v.verdict === 'stale' ? c.magenta.bold(ago) : ago,
      ];
    }
    return [...head, c.red.bold(word), c.dim('-'), c.dim('-'), c.dim('-'), c.dim('-')];
  });
  let head = ['PROFILE', 'HOST', 'VERDICT', 'API', 'COMPILER', 'RUNNER', 'CHECKED'];
  // The NOTE column gets what the terminal has left; with too little left (a long host name, a
  // narrow terminal) it is dropped and every note is written in full under the table. When even
  // that is too wide, the HOST column goes too (`cluster profile list` shows the hosts).
  let without = widest(plainTable(deps, head, cells));
  if (without > deps.columns) {
    head = head.filter((_, i) => i !== 1);
    for (const row of cells) row.splice(1, 1);
    without = widest(plainTable(deps, head, cells));
  }
  const noteWidth = deps.columns - without - 2;
  const showNote = noteWidth >= 12;
  const under: string[] = [];
  const body = rows.map((r, i) => {
    const full = fleetNote(r);
    const note = showNote ? cut(full, noteWidth) : '';
    if (full && note !== full) under.push(`${c.bold(sanitizeLine(r.profile))}: ${r.error ? c.red(full) : full}`);
    return showNote ? [...cells[i]!, r.error ? c.red(note) : c.dim(note)] : cells[i]!;
  });
  const table = plainTable(deps, showNote ? [...head, 'NOTE'] : head, body);
  return `${table}\n${under.length ? `\n${under.join('\n')}\n` : ''}`;
}

/** Piped fleet rows: profile, host, verdict, api, compiler, runner, checked_at — or profile, host, verdict, error. Tab-separated. */
export function renderFleetPlain(rows: readonly FleetRow[]): string {
  // Every row has the same eight tab-separated fields, so `cut -f4` or awk never mixes an error
  // message into a status column: profile, host, verdict, api, compiler, runner, checked_at, error.
  return rows
    .map((r) => {
      const word = fleetVerdictWord(r);
      const cells =
        r.health && r.verdict
          ? [
              r.profile,
              r.host,
              word,
              ...SERVICES.map((s) => (r.health![s].healthy ? 'healthy' : 'unhealthy')),
              newestCheck(r.health, r.verdict),
              '-',
            ]
          : [r.profile, r.host, word, '-', '-', '-', '-', r.error?.message ?? 'failed'];
      return `${cells.map((x) => sanitizeLine(x).replace(/\t/g, ' ')).join('\t')}\n`;
    })
    .join('');
}

/** One profile in `status --all-profiles --json`. */
export interface FleetJsonRow {
  host: string;
  verdict: string;
  exit_code: number;
  /** The server answered in the shape of Feldera v0.121–v0.200. */
  legacy: boolean;
  /** As the server sent it. */
  health: HealthBody | null;
  error: { kind: string; message: string } | null;
}

/** `--json` of the fleet: an object keyed by profile, in row order. */
export function fleetJson(rows: readonly FleetRow[]): Record<string, FleetJsonRow> {
  const out: Record<string, FleetJsonRow> = {};
  for (const r of rows) {
    // defineProperty: a profile named `__proto__` is a key like any other.
    Object.defineProperty(out, r.profile, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: {
        host: r.host,
        verdict: fleetVerdictWord(r),
        exit_code: r.exitCode,
        legacy: r.legacy ?? false,
        health: r.body ?? r.health ?? null,
        error: r.error ?? null,
      },
    });
  }
  return out;
}
