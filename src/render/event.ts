/**
 * One cluster monitor event for people and for pipes.
 *
 * - At a terminal: a heading with the verdict, the id and the recorded time, a table of the
 *   three services, and (with `--selector all`) each service's reports wrapped to the width.
 * - Piped: the same content as stable `key: value` lines (keys are the server's field names
 *   where there is one), no colour, no box drawing; multi-line texts repeat their key on every
 *   line so `grep` and `cut -d: -f2-` keep working.
 *
 * Every server string is sanitised here. The terminal path loads chalk and cli-table3 (kit.ts)
 * when it runs; the piped path loads neither.
 */
import type { ChalkInstance } from 'chalk';
import { type ClusterEvent, type MonitorStatus, SERVICES, type Service } from '../api/types.js';
import type { ClusterVerdict } from '../domain/verdict.js';
import type { IO } from '../io/io.js';
import { sanitizeLine, sanitizeText } from '../io/sanitize.js';
import { append, maxOf } from '../util/arrays.js';
import { formatDuration } from '../util/duration.js';
import { type TerminalKit, terminalKit } from './kit.js';
import { paintStatus, statusSymbol } from './paint.js';
import { capText, textWidth, visibleWidth, wrapText } from './text.js';
import { formatAge, formatTimestamp } from './time.js';
import { futureReason, paintVerdict, VERDICT_MARK, verdictReason } from './verdict.js';

export interface EventViewOptions {
  /** Times in UTC instead of local time. */
  utc: boolean;
  /** Width to wrap reports to (terminal only). */
  columns: number;
  /** The stale limit and where it came from, for a stale verdict's reason. */
  limit?: string;
}

const MEANING: Record<MonitorStatus, string> = {
  Healthy: 'passed its last health check',
  InitialUnhealthy: 'no check passed yet (starting?)',
  Unhealthy: 'failing after having been healthy',
};

const REPORTS: readonly { key: 'self_info' | 'resources_info'; label: string }[] = [
  { key: 'self_info', label: 'self check' },
  { key: 'resources_info', label: 'resources' },
];

export interface ReportsOptions {
  /** Columns available (the block wraps to this). */
  columns: number;
  /** chalk instance to paint with (level 0: plain text). */
  color: ChalkInstance;
  /** Spaces before the service line (default 0). */
  indent?: number;
}

function infoOf(event: ClusterEvent, service: Service, key: 'self_info' | 'resources_info'): string | null | undefined {
  return event[`${service}_${key}`];
}

/**
 * A service's self-check and resources reports for a terminal, under a `service · status` line:
 * wrapped to the width, line breaks and indentation kept, server text sanitised. Reports the
 * event does not carry (`selector=status`) are left out; a null one shows as "(none)". Used by
 * `event get --selector all` and `event watch --details`.
 */
export function renderServiceReports(event: ClusterEvent, service: Service, opts: ReportsOptions): string {
  const c = opts.color;
  const pad = ' '.repeat(opts.indent ?? 0);
  const status = event[`${service}_status`];
  const lines = [`${pad}${c.bold(service)} · ${statusSymbol(status)} ${paintStatus(c, status)}`];
  const labelWidth = maxOf(REPORTS, (r) => r.label.length) + 2;
  const narrow = opts.columns - pad.length - 2 - labelWidth < 30;
  for (const { key, label } of REPORTS) {
    const value = infoOf(event, service, key);
    if (value === undefined) continue;
    const head = `${pad}  ${c.dim(label.padEnd(labelWidth))}`;
    if (value === null || value.trim() === '') {
      lines.push(`${head}${c.dim(value === null ? '(none)' : '(empty)')}`);
      continue;
    }
    // Narrow: the report starts under its label, indented; else beside it, continuation lines hanging under it.
    const hang = narrow ? `${pad}    ` : `${pad}  ${' '.repeat(labelWidth)}`;
    const body = wrapText(sanitizeText(capText(value)), opts.columns - hang.length);
    if (narrow) lines.push(head.trimEnd());
    for (const [i, l] of body.entries()) {
      if (i === 0 && !narrow) lines.push(head + l);
      else lines.push(l ? hang + l : '');
    }
  }
  return lines.join('\n');
}

function hasReports(event: ClusterEvent): boolean {
  return SERVICES.some(
    (s) => infoOf(event, s, 'self_info') !== undefined || infoOf(event, s, 'resources_info') !== undefined,
  );
}

function recordedText(v: ClusterVerdict, utc: boolean): string {
  return formatTimestamp(v.checkedAt ?? 0, utc);
}

/** The one-line reason after the verdict in the heading; a stale one says it all, once. */
function headingReason(v: ClusterVerdict, limit: string | undefined): string {
  if (v.verdict === 'stale') {
    return (
      `all healthy when recorded, but no check for ${formatDuration(v.ageMs ?? 0)}` +
      `${limit ? ` (more than ${limit})` : ''}: the monitor has stopped recording, so current health is unknown`
    );
  }
  return verdictReason(v);
}

/** Why a stale event is stale, in a sentence (stderr, where stdout is not a person's). */
export function staleExplanation(v: ClusterVerdict, limit: string): string {
  if ((v.ageMs ?? 0) < 0) return futureReason(v.ageMs ?? 0).replace('latest check', 'latest event');
  return `the latest event is ${formatDuration(v.ageMs ?? 0)} old (more than ${limit}): the monitor has stopped recording, so current health is unknown`;
}

/** The terminal form: heading, services table, reports. `Table` is cli-table3, `c` a chalk instance (level 0 for no colour). */
export function renderEventTerminal(
  event: ClusterEvent,
  v: ClusterVerdict,
  opts: EventViewOptions,
  deps: TerminalKit,
): string {
  const c = deps.color;
  const lines: string[] = [];
  const verdict = `${VERDICT_MARK[v.verdict]} ${v.verdict}`;
  const reason = sanitizeLine(headingReason(v, opts.limit));
  if (textWidth(verdict) + 5 + textWidth(reason) <= opts.columns) {
    lines.push(`${paintVerdict(c, v.verdict, verdict)}  ${c.dim('·')}  ${reason}`);
  } else {
    lines.push(paintVerdict(c, v.verdict, verdict));
    for (const l of wrapText(reason, opts.columns - 2)) lines.push(`  ${l}`);
  }
  lines.push(`  ${c.dim('event'.padEnd(9))}${sanitizeLine(event.id)}`);
  const age = formatAge(v.ageMs ?? 0);
  lines.push(
    `  ${c.dim('recorded'.padEnd(9))}${recordedText(v, opts.utc)} (${v.verdict === 'stale' ? paintVerdict(c, 'stale', age) : age})`,
  );
  if (v.mismatch) {
    append(
      lines,
      wrapText(`${sanitizeLine(v.mismatch)}; treated as not healthy`, opts.columns - 4).map(
        (l, i) => `  ${i === 0 ? c.yellow('!') : ' '} ${c.yellow(l)}`,
      ),
    );
  }

  const table = (meaning: boolean): string => {
    const head = ['Service', 'Status', ...(meaning ? ['Meaning'] : [])].map((h) => c.bold(h));
    const t = new deps.Table({
      head,
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    });
    for (const s of SERVICES) {
      const st = event[`${s}_status`];
      t.push([s, `${statusSymbol(st)} ${paintStatus(c, st)}`, ...(meaning ? [c.dim(MEANING[st] ?? '')] : [])]);
    }
    return t.toString();
  };
  // The meaning column only when the table still fits the terminal.
  let rendered = table(true);
  if (visibleWidth(rendered.split('\n')[0]!) > opts.columns) rendered = table(false);
  lines.push('', rendered);

  if (hasReports(event)) {
    for (const s of SERVICES) {
      lines.push('', renderServiceReports(event, s, { columns: opts.columns, color: c }));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `key: line` for each line of `value`, onto `out` (a text may have any number of lines). */
function keyed(out: string[], key: string, value: string): void {
  for (const l of value.split('\n')) out.push(l === '' ? `${key}:` : `${key}: ${l}`);
}

/** The piped form: `key: value` lines, no colour, no wrapping. */
export function renderEventPlain(
  event: ClusterEvent,
  v: ClusterVerdict,
  opts: Pick<EventViewOptions, 'utc' | 'limit'>,
): string {
  const lines: string[] = [];
  lines.push(`id: ${sanitizeLine(event.id)}`);
  // Machine-read rows use the one verdict vocabulary every command shares (render/verdict.ts).
  lines.push(`verdict: ${v.verdict}`);
  lines.push(`recorded_at: ${sanitizeLine(event.recorded_at)}`);
  lines.push(`recorded: ${recordedText(v, opts.utc)}`);
  lines.push(`age: ${formatDuration(Math.max(0, v.ageMs ?? 0))}`);
  if (v.verdict === 'stale')
    lines.push(`stale: ${staleExplanation(v, opts.limit ?? formatDuration(v.staleAfterMs ?? 0))}`);
  lines.push(`all_healthy: ${event.all_healthy}`);
  for (const s of SERVICES) lines.push(`${s}_status: ${sanitizeLine(event[`${s}_status`])}`);
  for (const s of SERVICES) {
    for (const { key } of REPORTS) {
      const v = infoOf(event, s, key);
      if (v === undefined) continue;
      keyed(lines, `${s}_${key}`, v === null ? '(none)' : sanitizeText(v).trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Render for this IO: the terminal form when stdout is a TTY (loading chalk and cli-table3 then), else the piped form. */
export async function renderEvent(
  event: ClusterEvent,
  v: ClusterVerdict,
  opts: EventViewOptions,
  io: Pick<IO, 'stdoutIsTTY' | 'color'>,
): Promise<string> {
  if (!io.stdoutIsTTY) return renderEventPlain(event, v, opts);
  return renderEventTerminal(event, v, opts, await terminalKit(io.color));
}
