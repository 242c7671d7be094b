/**
 * The timeline picture: one row per service, one cell per slice, a time axis with labels, a
 * legend, and the availability table under it.
 *
 * With colour every cell is a block in the status's colour (unknown: a grey shade block);
 * without colour the cells use distinct characters (= ~ X ?) so the picture survives a pipe,
 * a log file or NO_COLOR, and the legend says which is which.
 */
import type { ChalkInstance } from 'chalk';
import type { CellStatus, Timeline } from '../domain/timeline.js';
import { formatDuration } from '../util/duration.js';
import type { PaintKit } from './kit.js';
import { plainTable } from './table.js';
import { textWidth, wrapText } from './text.js';
import { formatTimestamp } from './time.js';

export const LABEL_WIDTH = 10;

export const PLAIN_CELL: Record<CellStatus, string> = {
  Healthy: '=',
  InitialUnhealthy: '~',
  Unhealthy: 'X',
  Unknown: '?',
};

const LEGEND: readonly [CellStatus, string][] = [
  ['Healthy', 'healthy'],
  ['InitialUnhealthy', 'starting (InitialUnhealthy)'],
  ['Unhealthy', 'unhealthy'],
  ['Unknown', 'unknown: no fresh data'],
];

/** `n` cells of one status: a coloured block run, or the status's own character without colour. */
function cellRun(c: ChalkInstance, color: boolean, s: CellStatus, n: number): string {
  if (!color) return PLAIN_CELL[s].repeat(n);
  const block = '█'.repeat(n);
  if (s === 'Healthy') return c.green(block);
  if (s === 'InitialUnhealthy') return c.yellow(block);
  if (s === 'Unhealthy') return c.red(block);
  return c.gray('░'.repeat(n));
}

/** Run-length painting: one escape sequence per run, not per cell. */
function paintRow(c: ChalkInstance, color: boolean, cells: readonly CellStatus[]): string {
  let out = '';
  let i = 0;
  while (i < cells.length) {
    let j = i;
    while (j < cells.length && cells[j] === cells[i]) j++;
    out += cellRun(c, color, cells[i]!, j - i);
    i = j;
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
  const range = `${formatTimestamp(t.start, v.utc)} → ${formatTimestamp(t.end, v.utc)}`;
  const about = `(${formatDuration(t.end - t.start)}, ${formatDuration(t.sliceMs)} per cell, ${t.events} event${t.events === 1 ? '' : 's'})`;
  // One line when it fits the width, else the details go under the range.
  if (textWidth(`Timeline  ${range}  ${about}`) <= v.columns)
    lines.push(`${c.bold('Timeline')}  ${range}  ${c.dim(about)}`);
  else lines.push(`${c.bold('Timeline')}  ${range}`, `${' '.repeat(10)}${c.dim(about)}`);
  lines.push('');
  for (const s of t.services) lines.push(`${s.service.padEnd(LABEL_WIDTH)}${paintRow(c, v.color, s.cells)}`);
  const [marks, labels] = axisLines(axisTicks(t.start, t.end, t.cells, v.utc), t.cells);
  lines.push(c.dim(pad + marks), c.dim(pad + labels));
  lines.push('');
  // The legend on one line when it fits the width (3 spaces between entries, else 2), else two lines.
  const entries = LEGEND.map(([s, text]) => ({
    painted: `${cellRun(c, v.color, s, 1)} ${text}`,
    width: 2 + textWidth(text),
  }));
  const legendWidth = (gap: number) => entries.reduce((w, e) => w + e.width, 0) + gap * (entries.length - 1);
  if (legendWidth(3) <= v.columns) lines.push(entries.map((e) => e.painted).join('   '));
  else if (legendWidth(2) <= v.columns) lines.push(entries.map((e) => e.painted).join('  '));
  else
    lines.push(
      entries
        .slice(0, 2)
        .map((e) => e.painted)
        .join('  '),
      entries
        .slice(2)
        .map((e) => e.painted)
        .join('  '),
    );
  lines.push('');
  const rows = t.services.map((s) => [
    s.service,
    formatPercent(s.availability.percent),
    span(s.availability.unhealthyMs),
    span(s.availability.unknownMs),
    String(s.incidents),
  ]);
  lines.push(plainTable(deps, ['SERVICE', 'AVAILABILITY', 'UNHEALTHY', 'UNKNOWN', 'INCIDENTS'], rows));
  const limit = v.staleLimit ?? formatDuration(t.staleAfterMs);
  const explain =
    'availability = healthy time / known time. Unknown: before the first retained event, ' +
    `or an all-healthy stretch with no event for more than ${limit}: the recorder was not running.`;
  for (const l of wrapText(explain, Math.max(40, v.columns))) lines.push(c.dim(l));
  return `${lines.join('\n')}\n`;
}
