/**
 * `event list` and `event incidents` for people and for pipes.
 *
 * - At a terminal: a borderless table (cli-table3) with a header, local (or UTC) times with
 *   their age, statuses coloured when colour is on.
 * - Piped: one tab-separated row per item, no header, no colour, times as the server wrote them
 *   (RFC 3339 UTC), full event ids — stable for grep, cut and awk.
 *
 * Every server string is sanitised before it is written (ids and times are shape-checked by the
 * client already; they are sanitised anyway).
 */
import { type ClusterEventStatus, SERVICES } from '../api/types.js';
import type { Incident } from '../domain/incidents.js';
import { eventVerdict, type Verdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { append } from '../util/arrays.js';
import { formatDuration } from '../util/duration.js';
import type { PaintKit } from './kit.js';
import { paintStatusCell, paintSymbol } from './paint.js';
import { plainTable } from './table.js';
import { flow, plural, widest } from './text.js';
import { formatAge, formatTimestamp } from './time.js';
import { paintVerdict } from './verdict.js';

/**
 * How much a terminal table shows. When the full table is wider than the terminal it is drawn
 * again with less: first without the year, then without the relative ages, then with
 * `InitialUnhealthy` written as `starting`, then (`event list`) statuses as their marks alone —
 * the first that fits is kept. When none fits, each row is stacked on lines of its own (see
 * eventStack, incidentStack): a narrow terminal gets no table rather than one whose lines the
 * terminal breaks in the middle of a word.
 */
interface Fit {
  year: boolean;
  ages: boolean;
  short: boolean;
  /** Statuses as `✓` `…` `✗` alone. */
  marks?: boolean;
}

const FITS: readonly Fit[] = [
  { year: true, ages: true, short: false },
  { year: false, ages: true, short: false },
  { year: false, ages: false, short: false },
  { year: false, ages: false, short: true },
];

/** The narrowest form of a table, for the stacked layout. */
const NARROW: Fit = { year: false, ages: false, short: true, marks: true };

/** The first of `fits` whose table fits `columns`; undefined when none does (the caller stacks). */
function fitted(columns: number | undefined, fits: readonly Fit[], draw: (f: Fit) => string): string | undefined {
  if (columns === undefined) return draw(fits[0]!);
  for (const f of fits) {
    const out = draw(f);
    if (widest(out) <= columns) return out;
  }
  return undefined;
}

function stamp(ms: number, utc: boolean, f: Fit): string {
  const s = formatTimestamp(ms, utc);
  return f.year ? s : s.slice(5);
}

function verdictOfRow(e: ClusterEventStatus, staleId: string | undefined): Verdict {
  return eventVerdict(e, e.id === staleId);
}

export interface ListView {
  utc: boolean;
  /** Server's now (Date header) or ours: relative times are judged against it. */
  now: number;
  /** Characters of the id to show; undefined = the whole id. */
  idLength: number | undefined;
  /** The newest event, when it is all healthy but stale (its verdict reads "stale"). */
  staleId?: string;
  /** Terminal width: a wider table is drawn with less (see FITS). */
  columns?: number;
}

/** Terminal table for `event list`; stacked rows where no table fits the width. */
export function renderEventTable(events: readonly ClusterEventStatus[], v: ListView, kit: PaintKit): string {
  const c = kit.color;
  const idOf = (e: ClusterEventStatus) => sanitizeLine(v.idLength === undefined ? e.id : e.id.slice(0, v.idLength));
  const draw = (f: Fit) => {
    const rows = events.map((e) => {
      const at = Date.parse(e.recorded_at);
      return [
        c.dim(idOf(e)),
        f.ages ? `${stamp(at, v.utc, f)}  ${c.dim(formatAge(v.now - at))}` : stamp(at, v.utc, f),
        paintVerdict(c, verdictOfRow(e, v.staleId)),
        ...SERVICES.map((s) =>
          f.marks ? paintSymbol(c, e[`${s}_status`]) : paintStatusCell(c, e[`${s}_status`], f.short),
        ),
      ];
    });
    return plainTable(kit, ['ID', v.utc ? 'RECORDED (UTC)' : 'RECORDED', 'VERDICT', 'API', 'COMPILER', 'RUNNER'], rows);
  };
  const table = fitted(v.columns, [...FITS, NARROW], draw);
  if (table !== undefined) return `${table}\n`;
  // Stacked: the id, time and verdict, then the services' marks under them.
  const width = v.columns!;
  const lines = events.flatMap((e) => [
    ...flow(
      [c.dim(idOf(e)), stamp(Date.parse(e.recorded_at), v.utc, NARROW), paintVerdict(c, verdictOfRow(e, v.staleId))],
      width,
    ),
    ...flow(
      SERVICES.map((s) => `${s} ${paintSymbol(c, e[`${s}_status`])}`),
      width,
      { indent: '  ', hang: '  ' },
    ),
  ]);
  return `${lines.join('\n')}\n`;
}

/** Piped rows for `event list`: id, recorded_at, verdict, api, compiler, runner — tab-separated. */
export function renderEventRows(events: readonly ClusterEventStatus[], staleId?: string): string {
  return events
    .map(
      (e) =>
        `${[e.id, e.recorded_at, verdictOfRow(e, staleId), ...SERVICES.map((s) => e[`${s}_status`])]
          .map((x) => sanitizeLine(String(x)))
          .join('\t')}\n`,
    )
    .join('');
}

export interface IncidentView {
  utc: boolean;
  now: number;
  /** Terminal width: a wider table is drawn with less (see FITS). */
  columns?: number;
}

/** Terminal table for `event incidents`; stacked rows where no table fits the width. */
export function renderIncidentTable(incidents: readonly Incident[], v: IncidentView, kit: PaintKit): string {
  const c = kit.color;
  const startOf = (x: Incident, f: Fit, ages: boolean) => {
    const late = x.startPrecisionMs !== undefined && !x.startAfterGap;
    const mark = `${x.beganBeforeWindow ? '≤ ' : ''}${late ? '~ ' : ''}`;
    // After a recorder gap the start is a range: from the last event before the gap to the first after it.
    const from = x.startAfterGap ? `${stamp(x.startedAt - (x.startPrecisionMs ?? 0), v.utc, f)} – ` : '';
    return `${mark}${from}${stamp(x.startedAt, v.utc, f)}${ages ? `  ${c.dim(formatAge(v.now - x.startedAt))}` : ''}`;
  };
  const endOf = (x: Incident, f: Fit) =>
    x.ongoing || x.endedAt === undefined
      ? c.red.bold('ongoing')
      : `${x.endPrecisionMs !== undefined ? '~ ' : ''}${stamp(x.endedAt, v.utc, f)}`;
  const durationOf = (x: Incident) => `${x.beganBeforeWindow ? '≥ ' : ''}${formatDuration(x.durationMs)}`;
  const draw = (f: Fit) => {
    const rows = incidents.map((x) => [
      c.bold(x.service),
      paintStatusCell(c, x.worst, f.short),
      startOf(x, f, f.ages),
      endOf(x, f),
      durationOf(x),
      String(x.events),
    ]);
    return plainTable(
      kit,
      ['SERVICE', 'WORST', v.utc ? 'STARTED (UTC)' : 'STARTED', 'ENDED', 'DURATION', 'EVENTS'],
      rows,
    );
  };
  // Stacked: the service, its worst status, how long and how many events; then from and to.
  const stack = (width: number) =>
    incidents
      .flatMap((x) => [
        ...flow(
          [c.bold(x.service), paintStatusCell(c, x.worst, true), durationOf(x), plural(x.events, 'event')],
          width,
        ),
        ...flow(
          [
            `from ${startOf(x, NARROW, false)}`,
            x.ongoing || x.endedAt === undefined ? endOf(x, NARROW) : `to ${endOf(x, NARROW)}`,
          ],
          width,
          { indent: '  ', hang: '  ' },
        ),
      ])
      .join('\n');
  const table = fitted(v.columns, FITS, draw) ?? stack(v.columns!);
  const notes: string[] = [];
  const note = (text: string) =>
    append(
      notes,
      (v.columns === undefined ? [text] : flow([text], v.columns, { hang: '' })).map((l) => c.dim(l)),
    );
  if (incidents.some((x) => x.beganBeforeWindow))
    note('≤ began at or before the oldest retained event (older events are deleted after 72 h or beyond 1000)');
  let late = 0;
  for (const x of incidents) {
    if (!x.startAfterGap) late = Math.max(late, x.startPrecisionMs ?? 0);
    late = Math.max(late, x.endPrecisionMs ?? 0);
  }
  if (incidents.some((x) => x.startAfterGap)) {
    note(
      'A – B began somewhere between A and B: the monitor recorded nothing between them (longer than a healthy cluster ' +
        'leaves between two events, so its recorder was down), and its first event after the gap found the service not ' +
        'healthy (--json: start_after_gap, start_precision_seconds)',
    );
  }
  if (late > 0) {
    note(
      `~ recorded late, up to ${formatDuration(late)} after it happened: a service that changes while the cluster is already ` +
        "unhealthy is stored only at Feldera's next back-off insert (--json: start_precision_seconds, end_precision_seconds)",
    );
  }
  return `${table}\n${notes.length ? `${notes.join('\n')}\n` : ''}`;
}

/** Piped rows for `event incidents`: service, worst, started_at, ended_at or "ongoing", duration, events. */
export function renderIncidentRows(incidents: readonly Incident[]): string {
  return incidents
    .map(
      (x) =>
        `${[
          x.service,
          x.worst,
          x.startedAtText,
          x.ongoing ? 'ongoing' : (x.endedAtText ?? ''),
          formatDuration(x.durationMs),
          String(x.events),
        ]
          .map((s) => sanitizeLine(s))
          .join('\t')}\n`,
    )
    .join('');
}
