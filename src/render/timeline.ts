/**
 * The timeline picture: one row per service, one cell per slice, a time axis with labels, a
 * legend, and the availability table under it.
 *
 * Every status has a shape of its own, the same with colour and without (colour only adds to it),
 * so the picture reads the same at a terminal, in a pipe, a log file or under NO_COLOR. A cell's
 * status is the worst in its slice (domain/timeline.ts); a cell where that status holds for only
 * part of the slice is drawn lower or lighter than one where it holds all through, so a slice
 * unhealthy for a minute of ten does not look like ten minutes down:
 *
 *   ▁ healthy   █ unhealthy (▄ in part)   ▒ starting (░ in part)   · unknown
 */
import type { ChalkInstance } from 'chalk';
import type { CellStatus, Timeline } from '../domain/timeline.js';
import { append } from '../util/arrays.js';
import { formatDuration } from '../util/duration.js';
import type { PaintKit } from './kit.js';
import { plainTable } from './table.js';
import { flow, plural, visibleWidth, widest } from './text.js';
import { formatTimestamp } from './time.js';

export const LABEL_WIDTH = 10;

/** A cell's glyph: `whole` when its status holds all through the slice, `part` when only for part of it. */
export const CELL_GLYPH: Readonly<Record<CellStatus, { whole: string; part: string }>> = {
  // Healthy is the best status: a cell showing it is healthy all through.
  Healthy: { whole: '▁', part: '▁' },
  InitialUnhealthy: { whole: '▒', part: '░' },
  Unhealthy: { whole: '█', part: '▄' },
  Unknown: { whole: '·', part: '·' },
};

/** The glyph of a cell whose status holds `share` of its slice (1: all of it). */
export function cellGlyph(status: CellStatus, share = 1): string {
  const g = CELL_GLYPH[status];
  return share >= 1 ? g.whole : g.part;
}

/** "in part": the status holds for part of the cell (the note under the table says what unknown is). */
const LEGEND: readonly string[] = [
  `${CELL_GLYPH.Healthy.whole} healthy`,
  `${CELL_GLYPH.Unhealthy.whole} unhealthy (${CELL_GLYPH.Unhealthy.part} in part)`,
  `${CELL_GLYPH.InitialUnhealthy.whole} starting (${CELL_GLYPH.InitialUnhealthy.part} in part)`,
  `${CELL_GLYPH.Unknown.whole} unknown`,
];

/** The colour a status adds to its glyph (none without colour). */
function paintOf(c: ChalkInstance, color: boolean, s: CellStatus): (text: string) => string {
  if (!color) return (text) => text;
  if (s === 'Healthy') return c.green;
  if (s === 'InitialUnhealthy') return c.yellow;
  if (s === 'Unhealthy') return c.red;
  return c.gray;
}

/** Run-length painting: one escape sequence per run of one status, not per cell. */
function paintRow(c: ChalkInstance, color: boolean, cells: readonly CellStatus[], shares: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < cells.length) {
    let j = i;
    let run = '';
    while (j < cells.length && cells[j] === cells[i]) {
      run += cellGlyph(cells[j]!, shares[j]);
      j++;
    }
    out += paintOf(c, color, cells[i]!)(run);
    i = j;
  }
  return out;
}

/** A legend entry with its glyphs painted in their status's colour. */
function paintLegend(c: ChalkInstance, color: boolean, entry: string): string {
  if (!color) return entry;
  let out = entry;
  for (const [status, g] of Object.entries(CELL_GLYPH) as [CellStatus, { whole: string; part: string }][]) {
    for (const glyph of new Set([g.whole, g.part])) out = out.replaceAll(glyph, paintOf(c, true, status)(glyph));
  }
  return out;
}

const TICK_STEPS = [
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 172_800_000, 604_800_000,
];

export interface Tick {
  at: number;
  column: number;
  label: string;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Ticks at round times (in local time, or UTC), at least `minGap` cells apart. */
export function axisTicks(start: number, end: number, cells: number, utc: boolean, minGap = 8): Tick[] {
  const span = end - start;
  if (span <= 0 || cells <= 0) return [];
  const cellMs = span / cells;
  const step = TICK_STEPS.find((s) => s / cellMs >= minGap) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const offset = utc ? 0 : -new Date(start).getTimezoneOffset() * 60_000;
  const ticks: Tick[] = [];
  for (let t = Math.ceil((start + offset) / step) * step - offset; t < end; t += step) {
    const column = Math.floor(((t - start) * cells) / span);
    if (column < 0 || column >= cells) continue;
    const d = new Date(t);
    const [h, m, mo, day] = utc
      ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCMonth() + 1, d.getUTCDate()]
      : [d.getHours(), d.getMinutes(), d.getMonth() + 1, d.getDate()];
    const label = step >= 86_400_000 || (h === 0 && m === 0) ? `${two(mo)}-${two(day)}` : `${two(h)}:${two(m)}`;
    ticks.push({ at: t, column, label });
  }
  return ticks;
}

/** The tick line and the label line under the rows (without the label column). */
export function axisLines(ticks: readonly Tick[], cells: number): [string, string] {
  const marks = new Array<string>(cells).fill(' ');
  const labels = new Array<string>(cells).fill(' ');
  let free = 0;
  for (const t of ticks) {
    marks[t.column] = '|';
    if (t.column >= free && t.column + t.label.length <= cells) {
      for (let i = 0; i < t.label.length; i++) labels[t.column + i] = t.label[i]!;
      free = t.column + t.label.length + 1;
    }
  }
  return [marks.join('').replace(/\s+$/, ''), labels.join('').replace(/\s+$/, '')];
}

/** `99.95%`, never rounded up to 100.00% unless it is 100; `n/a` when nothing is known. */
export function formatPercent(p: number | null): string {
  if (p === null) return 'n/a';
  if (p >= 100) return '100%';
  return `${(Math.floor(p * 100) / 100).toFixed(2)}%`;
}

export interface TimelineView {
  utc: boolean;
  color: boolean;
  /** Width to wrap the notes to. */
  columns: number;
  /** The stale limit and where it came from (default: the limit alone). */
  staleLimit?: string;
}

/** A duration for the table: `0s` rather than `0ms` for none. */
function span(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

export function renderTimeline(t: Timeline, v: TimelineView, deps: PaintKit): string {
  const c = deps.color;
  const pad = ' '.repeat(LABEL_WIDTH);
  const lines: string[] = [];
  append(lines, heading(t, v, c));
  lines.push('');
  for (const s of t.services) lines.push(`${s.service.padEnd(LABEL_WIDTH)}${paintRow(c, v.color, s.cells, s.shares)}`);
  const [marks, labels] = axisLines(axisTicks(t.start, t.end, t.cells, v.utc), t.cells);
  lines.push(c.dim(pad + marks), c.dim(pad + labels));
  lines.push('');
  // The legend on one line when it fits the width (3 spaces between entries), else as many lines as it needs.
  const legend = LEGEND.map((e) => paintLegend(c, v.color, e));
  append(lines, flow(legend, v.columns, { sep: '   ' }));
  lines.push('');
  const rows = t.services.map((s) => [
    s.service,
    formatPercent(s.availability.percent),
    span(s.availability.unhealthyMs),
    span(s.availability.unknownMs),
    String(s.incidents),
  ]);
  const table = plainTable(deps, ['SERVICE', 'AVAILABILITY', 'UNHEALTHY', 'UNKNOWN', 'INCIDENTS'], rows);
  if (widest(table) <= v.columns) lines.push(table);
  else {
    // Too narrow for the table: each service on lines of its own.
    for (const [service, percent, unhealthy, unknown, incidents] of rows) {
      append(lines, flow([c.bold(service!), `${percent} available`, plural(Number(incidents), 'incident')], v.columns));
      append(lines, flow([`unhealthy ${unhealthy}`, `unknown ${unknown}`], v.columns, { indent: '  ', hang: '  ' }));
    }
  }
  const limit = v.staleLimit ?? formatDuration(t.staleAfterMs);
  const explain =
    'availability = healthy time / known time. In part: the status holds for only part of the cell. ' +
    'Unknown: no fresh data — before the first retained event, ' +
    `or an all-healthy stretch with no event for more than ${limit}: the recorder was not running.`;
  for (const l of flow([explain], v.columns, { hang: '' })) lines.push(c.dim(l));
  return `${lines.join('\n')}\n`;
}

/**
 * `Timeline  FROM → TO  (6h, 4m 30s per cell, 43 events)` on one line where it fits; else the
 * details under the range; else (a narrow terminal) the range's ends on lines of their own.
 */
function heading(t: Timeline, v: TimelineView, c: ChalkInstance): string[] {
  const from = formatTimestamp(t.start, v.utc);
  const to = formatTimestamp(t.end, v.utc);
  const about = `(${formatDuration(t.end - t.start)}, ${formatDuration(t.sliceMs)} per cell, ${plural(t.events, 'event')})`;
  const title = c.bold('Timeline');
  const fits = (...lines: string[]) => lines.every((l) => visibleWidth(l) <= v.columns);
  const one = `${title}  ${from} → ${to}  ${c.dim(about)}`;
  if (fits(one)) return [one];
  const two = [`${title}  ${from} → ${to}`, `${' '.repeat(10)}${c.dim(about)}`];
  if (fits(...two)) return two;
  const top = flow([title, `${from} →`], v.columns);
  // The end under the start: after the title's room, or under the start where that moved down.
  const under = top.length > 1 ? '  ' : ' '.repeat(10);
  return [...top, ...flow([to], v.columns, { indent: under }), ...flow([c.dim(about)], v.columns, { hang: '' })];
}
