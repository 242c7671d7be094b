/**
 * `cluster status`: the verdict of one instance, and the fleet table — both renderings of a
 * `ClusterVerdict` (domain/verdict.ts) in the words and marks of render/verdict.ts.
 *
 * Terminal: the verdict and since when, why, when it was checked, and a table of the services
 * (status, since when, message cut to the width). Piped: `key: value` lines, times as the server
 * wrote them, messages whole (sanitised, on one line). Every server string is sanitised here.
 */
import { type HealthBody, type HealthStatus, type MonitorStatus, SERVICES, type Service } from '../api/types.js';
import type { FleetRow } from '../domain/fleet.js';
import { newestCheckText } from '../domain/health.js';
import { describeSkew } from '../domain/staleness.js';
import { type ClusterVerdict, verdictExit } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { append } from '../util/arrays.js';
import { formatDuration } from '../util/duration.js';
import type { PaintKit } from './kit.js';
import { paintStatusCell, paintSymbol } from './paint.js';
import { plainTable } from './table.js';
import { cutWords, flow, visibleWidth, widest } from './text.js';
import { formatAge, formatTimestamp } from './time.js';
import { paintVerdict, sinceText, VERDICT_MARK, verdictCell, verdictReason } from './verdict.js';

export interface StatusView {
  utc: boolean;
  now: number;
  columns: number;
  /** The stale limit and where it came from (`--stale-after 30m`, `45m, the default …`). */
  staleLimit: string;
  /** The server answered in the shape of Feldera v0.121–v0.200 (no api, no all_healthy). */
  legacy: boolean;
}

const LEGACY_NOTE = 'Feldera v0.121–v0.200: compiler and runner only; api answered, so taken as healthy';

function statusOf(v: ClusterVerdict, s: Service): MonitorStatus {
  return v.services.find((x) => x.service === s)?.status ?? 'Unhealthy';
}

function serviceSince(v: ClusterVerdict, s: Service): number | undefined {
  return v.services.find((x) => x.service === s)?.since;
}

/** The headline: `✗ unhealthy since 14:02 (12m ago)  ·  compiler Unhealthy`. */
export function statusHeadline(v: ClusterVerdict, view: StatusView, kit: PaintKit): string {
  const c = kit.color;
  // Nothing read (no event yet): no "since" to speak of.
  const since = v.services.length > 0 ? sinceText(v.since, view) : '';
  const head = since ? `${verdictCell(c, v.verdict)} ${since}` : verdictCell(c, v.verdict);
  const reason = verdictReason(v, view.staleLimit);
  const line = `${head}  ${c.dim('·')}  ${reason}`;
  if (visibleWidth(line) <= view.columns) return line;
  // Too wide: the reason goes under the verdict, wrapped at word boundaries (and so does the
  // verdict's "since" on a terminal too narrow for it).
  const top = since ? flow([verdictCell(c, v.verdict), since], view.columns, { sep: ' ' }) : [head];
  return [...top, ...flow([reason], view.columns, { indent: '  ', hang: '  ' })].join('\n');
}

/** The narrowest a message column may be; narrower, each message goes on a line of its own under its service. */
const MIN_MESSAGE = 20;

export function renderStatusTerminal(h: HealthStatus, v: ClusterVerdict, view: StatusView, kit: PaintKit): string {
  const c = kit.color;
  const width = view.columns;
  const lines: string[] = [statusHeadline(v, view, kit)];
  const checkedAt = v.checkedAt ?? view.now;
  const age = formatAge(view.now - checkedAt);
  append(
    lines,
    flow(
      [
        `${c.dim('checked at')}  ${formatTimestamp(checkedAt, view.utc)}`,
        `(${v.verdict === 'stale' ? paintVerdict(c, 'stale', age) : age})${view.legacy ? c.dim(`  · ${LEGACY_NOTE}`) : ''}`,
      ],
      width,
      { sep: ' ', indent: '  ', hang: '    ' },
    ),
  );
  if (v.mismatch)
    append(lines, flow([`${c.yellow('!')} ${v.mismatch}; treated as not healthy`], width, { indent: '  ' }));
  lines.push('');
  const head = ['SERVICE', 'STATUS', 'SINCE', 'MESSAGE'];
  const short = SERVICES.some((s) => statusOf(v, s) === 'InitialUnhealthy') && width < 100;
  const sinceOf = (s: Service) => {
    const since = serviceSince(v, s);
    return since === undefined ? c.dim('unknown') : formatAge(view.now - since);
  };
  const cells = SERVICES.map((s) => [c.bold(s), paintStatusCell(c, statusOf(v, s), short), sinceOf(s)]);
  const message = (i: number, max: number) => c.dim(cutWords(sanitizeLine(h[SERVICES[i]!].message), max));
  const three = plainTable(kit, head.slice(0, 3), cells);
  // The message gets what the other columns leave of the width, cut after a whole word.
  const msgWidth = width - widest(three) - 2;
  if (msgWidth >= MIN_MESSAGE) {
    lines.push(
      plainTable(
        kit,
        head,
        cells.map((row, i) => [...row, message(i, msgWidth)]),
      ),
    );
  } else if (widest(three) <= width) {
    // Narrower: each message on a line of its own under its service's row.
    const [top, ...rows] = three.split('\n');
    lines.push(top!);
    for (const [i, row] of rows.entries()) lines.push(row, `  ${message(i, width - 2)}`);
  } else {
    // Narrower still: each service stacked on lines of its own.
    SERVICES.forEach((s, i) => {
      const since = serviceSince(v, s);
      append(
        lines,
        flow(
          [
            c.bold(s),
            paintStatusCell(c, statusOf(v, s), true),
            since === undefined ? c.dim('since unknown') : `since ${formatAge(view.now - since)}`,
          ],
          width,
        ),
      );
      lines.push(`  ${message(i, width - 2)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** Piped: stable `key: value` lines. */
export function renderStatusPlain(h: HealthStatus, v: ClusterVerdict, view: StatusView): string {
  const lines: string[] = [];
  lines.push(`verdict: ${v.verdict}`);
  lines.push(`since: ${v.since === undefined ? 'unknown' : new Date(v.since).toISOString()}`);
  lines.push(`reason: ${verdictReason(v, view.staleLimit)}`);
  lines.push(`checked_at: ${sanitizeLine(newestCheckText(h))}`);
  lines.push(`age: ${formatDuration(Math.max(0, v.ageMs ?? 0))}`);
  lines.push(`all_healthy: ${h.all_healthy}`);
  if (view.legacy) lines.push(`source: ${LEGACY_NOTE}`);
  for (const s of SERVICES) {
    const x = h[s];
    lines.push(`${s}_status: ${statusOf(v, s)}`);
    lines.push(`${s}_healthy: ${x.healthy}`);
    lines.push(
      `${s}_unchanged_since: ${serviceSince(v, s) === undefined ? 'unknown' : sanitizeLine(x.unchanged_since)}`,
    );
    lines.push(`${s}_message: ${sanitizeLine(x.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The last column of a fleet row: why it is what it is (nothing for healthy). */
export function fleetNote(r: FleetRow): string {
  const v = r.verdict;
  let note = '';
  if (v.verdict === 'stale') {
    note = `no check for ${formatDuration(v.ageMs ?? 0)}${r.limit ? ` (limit ${formatDuration(r.limit.ms)})` : ''}: health unknown`;
  } else if (v.verdict !== 'healthy') {
    note = verdictReason(v);
  }
  return r.legacy ? `${note ? `${note}; ` : ''}Feldera v0.121–v0.200 (api not reported)` : note;
}

export function renderFleetTerminal(
  rows: readonly FleetRow[],
  deps: PaintKit & { columns: number; utc?: boolean },
): string {
  const c = deps.color;
  const sinceOf = (r: FleetRow) =>
    r.verdict.since === undefined || r.now === undefined ? undefined : formatAge(r.now - r.verdict.since);
  const checkedOf = (r: FleetRow) => {
    const v = r.verdict;
    if (v.services.length === 0 || v.checkedAt === undefined) return undefined;
    const ago = formatAge((r.now ?? v.checkedAt) - v.checkedAt);
    return v.verdict === 'stale' ? paintVerdict(c, 'stale', ago) : ago;
  };
  const cells = rows.map((r) => {
    const v = r.verdict;
    const head = [c.bold(sanitizeLine(r.profile)), sanitizeLine(r.host), verdictCell(c, v.verdict)];
    const since = sinceOf(r) ?? c.dim('-');
    const checked = checkedOf(r);
    if (checked !== undefined) return [...head, since, ...SERVICES.map((s) => paintSymbol(c, statusOf(v, s))), checked];
    return [...head, since, c.dim('-'), c.dim('-'), c.dim('-'), c.dim('-')];
  });
  let head = ['PROFILE', 'HOST', 'VERDICT', 'SINCE', 'API', 'COMPILER', 'RUNNER', 'CHECKED'];
  // The NOTE column gets what the terminal has left; with too little left (a long host name, a
  // narrow terminal) it is dropped and every note is written in full under the table. When even
  // that is too wide, the HOST column goes too (`cluster profile list` shows the hosts); when the
  // table still does not fit, each profile is stacked on lines of its own.
  let without = widest(plainTable(deps, head, cells));
  if (without > deps.columns) {
    head = head.filter((_, i) => i !== 1);
    for (const row of cells) row.splice(1, 1);
    without = widest(plainTable(deps, head, cells));
  }
  if (without > deps.columns) return fleetStack(rows, deps, sinceOf, checkedOf);
  const noteWidth = deps.columns - without - 2;
  const showNote = noteWidth >= 12;
  const under: string[] = [];
  const body = rows.map((r, i) => {
    const full = fleetNote(r);
    const note = showNote ? cutWords(full, noteWidth) : '';
    const bad = r.verdict.verdict === 'unreachable';
    if (full && note !== full)
      append(under, flow([`${c.bold(sanitizeLine(r.profile))}: ${bad ? c.red(full) : full}`], deps.columns));
    return showNote ? [...cells[i]!, bad ? c.red(note) : c.dim(note)] : cells[i]!;
  });
  const table = plainTable(deps, showNote ? [...head, 'NOTE'] : head, body);
  return `${table}\n${under.length ? `\n${under.join('\n')}\n` : ''}`;
}

/** The fleet on a terminal too narrow for its table: per profile, its verdict, host, services and note, each flowed to the width. */
function fleetStack(
  rows: readonly FleetRow[],
  deps: PaintKit & { columns: number },
  sinceOf: (r: FleetRow) => string | undefined,
  checkedOf: (r: FleetRow) => string | undefined,
): string {
  const c = deps.color;
  const width = deps.columns;
  const sub = { indent: '  ', hang: '    ' };
  const lines = rows.flatMap((r) => {
    const v = r.verdict;
    const since = sinceOf(r);
    const checked = checkedOf(r);
    const note = fleetNote(r);
    return [
      ...flow(
        [c.bold(sanitizeLine(r.profile)), verdictCell(c, v.verdict), ...(since ? [`since ${since}`] : [])],
        width,
      ),
      ...flow([c.dim(sanitizeLine(r.host))], width, sub),
      ...(checked === undefined
        ? []
        : flow([...SERVICES.map((s) => `${s} ${paintSymbol(c, statusOf(v, s))}`), `checked ${checked}`], width, sub)),
      ...(note ? flow([v.verdict === 'unreachable' ? c.red(note) : note], width, sub) : []),
    ];
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Piped fleet rows, tab-separated. Every row has the same nine fields, so `cut -f4` or awk never
 * mixes a message into a status column: profile, host, verdict, since, api, compiler, runner,
 * checked_at, note (`-` where a field does not apply).
 */
export function renderFleetPlain(rows: readonly FleetRow[]): string {
  return rows
    .map((r) => {
      const v = r.verdict;
      const since = v.since === undefined ? '-' : new Date(v.since).toISOString();
      const read = r.health !== undefined && v.services.length > 0;
      const cells = [
        r.profile,
        r.host,
        v.verdict,
        since,
        ...SERVICES.map((s) => (read ? statusOf(v, s) : '-')),
        read && r.health ? newestCheckText(r.health) : '-',
        fleetNote(r) || '-',
      ];
      return `${cells.map((x) => sanitizeLine(x).replace(/\t/g, ' ')).join('\t')}\n`;
    })
    .join('');
}

/** One profile in `status --all-profiles --json`. */
export interface FleetJsonRow {
  host: string;
  verdict: string;
  /** Since when the verdict has held (RFC 3339), or null when unknown. */
  since: string | null;
  /** Why, in words (empty when healthy). */
  reason: string;
  exit_code: number;
  /** Each service's monitor status, when the row was read. */
  statuses: Record<Service, MonitorStatus> | null;
  /** The server answered in the shape of Feldera v0.121–v0.200. */
  legacy: boolean;
  /** As the server sent it. */
  health: HealthBody | null;
  error: { kind: string; message: string } | null;
  /** The server's Date was not believed and the local clock judged the age instead: why, in words; else null. */
  clock: string | null;
}

/** `--json` of the fleet: an object keyed by profile, in row order. */
export function fleetJson(rows: readonly FleetRow[]): Record<string, FleetJsonRow> {
  const out: Record<string, FleetJsonRow> = {};
  for (const r of rows) {
    const v = r.verdict;
    const statuses =
      v.services.length > 0
        ? (Object.fromEntries(v.services.map((s) => [s.service, s.status])) as Record<Service, MonitorStatus>)
        : null;
    // defineProperty: a profile named `__proto__` is a key like any other.
    Object.defineProperty(out, r.profile, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: {
        host: r.host,
        verdict: v.verdict,
        since: v.since === undefined ? null : new Date(v.since).toISOString(),
        reason: fleetNote(r),
        exit_code: verdictExit(v.verdict),
        statuses,
        legacy: r.legacy ?? false,
        health: r.body ?? r.health ?? null,
        error: v.verdict === 'unreachable' && v.problem ? v.problem : null,
        clock: v.clockSkewMs === undefined ? null : describeSkew(v.clockSkewMs, r.host),
      },
    });
  }
  return out;
}

export { VERDICT_MARK };
