/**
 * `cluster event timeline` (also `event list --timeline`): the retained window as a picture,
 * one row per service, and each service's availability. The rules for unknown time and for
 * slices are in src/history/timeline.ts.
 */
import type { Context } from '../../context.js';
import { EXIT, usageError } from '../../errors.js';
import { checkWindowSyntax, parseWindow } from '../../domain/history.js';
import { NO_EVENTS, fetchEvents, note } from '../shared/history.js';
import { parseStaleAfter } from '../../domain/verdict.js';
import { buildTimeline, timelineJson, timelineWindow } from '../../domain/timeline.js';
import { LABEL_WIDTH } from '../../render/timeline.js';

export interface TimelineOptions {
  since?: string;
  staleAfter?: string;
  width?: string;
  utc?: boolean;
  json?: boolean;
}

export const MIN_WIDTH = LABEL_WIDTH + 10;
export const MAX_WIDTH = 2000;

/** `--width COLUMNS`: the width of the picture, labels included. */
export function parseWidth(text: unknown, fallback: number): number {
  if (text === undefined) return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, fallback));
  const t = String(text).trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < MIN_WIDTH || n > MAX_WIDTH) {
    throw usageError(`invalid --width "${String(text)}": expected a whole number of columns from ${MIN_WIDTH} to ${MAX_WIDTH}`);
  }
  return n;
}

export async function run(opts: TimelineOptions & Record<string, unknown>, ctx: Context, _args: string[] = []): Promise<number> {
  const { io } = ctx;
  const staleAfterMs = parseStaleAfter(opts.staleAfter);
  checkWindowSyntax({ since: opts.since });
  const width = parseWidth(opts.width, io.columns);

  const { events, now } = await fetchEvents(ctx);
  const { since } = parseWindow({ since: opts.since }, now);
  if (since !== undefined && since >= now) throw usageError(`--since "${String(opts.since)}" is not in the past`);
  const { start, end } = timelineWindow(events, now, since);
  const cells = width - LABEL_WIDTH;
  const t = buildTimeline(events, { start, end, cells, staleAfterMs, now });

  if (opts.json) {
    const { writeJson } = await import('../../render/json.js');
    writeJson(io, timelineJson(t));
    if (events.length === 0) note(ctx, NO_EVENTS);
    return EXIT.OK;
  }
  if (events.length === 0) {
    note(ctx, NO_EVENTS);
    return EXIT.OK;
  }
  const [{ default: Table }, { palette }, { renderTimeline }] = await Promise.all([
    import('cli-table3'),
    import('../../render/style.js'),
    import('../../render/timeline.js'),
  ]);
  io.stdout.write(renderTimeline(t, { utc: Boolean(opts.utc), color: io.color, columns: width }, { Table, color: palette(io.color) }));
  return EXIT.OK;
}
