/**
 * `cluster event timeline` (also `event list --timeline`): the retained window as a picture,
 * one row per service, and each service's availability. The rules for unknown time and for
 * slices are in domain/timeline.ts.
 */
import { Command, Option } from 'commander';
import type { Context } from '../../context.js';
import { windowAt } from '../../domain/history.js';
import { type StaleAfterSpec, summarizeLimit } from '../../domain/staleness.js';
import { buildTimeline, timelineJson, timelineWindow } from '../../domain/timeline.js';
import { EXIT, usageError } from '../../errors.js';
import { fetchEvents, NO_EVENTS } from '../../queries/event-history.js';
import { resolveStaleLimit } from '../../queries/stale-limit.js';
import { writeJson } from '../../render/json.js';
import { paintKit } from '../../render/kit.js';
import { LABEL_WIDTH, renderTimeline } from '../../render/timeline.js';
import type { When } from '../../util/when.js';
import type { Factory, Run } from '../factory.js';
import { examples, jsonOption, staleAfterOption, utcOption, whenOption } from '../flags.js';

export interface TimelineOptions {
  since?: When;
  staleAfter: StaleAfterSpec;
  /** Columns of the picture, labels included; undefined: the terminal's width. */
  width?: number;
  utc: boolean;
  json: boolean;
}

interface TimelineFlags {
  since?: When;
  staleAfter: StaleAfterSpec;
  width?: number;
  utc?: boolean;
  json?: boolean;
}

export const MIN_WIDTH = LABEL_WIDTH + 10;
export const MAX_WIDTH = 2000;

/** `--width COLUMNS`: the width of the picture, labels included. */
export function parseWidth(text: string): number {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < MIN_WIDTH || n > MAX_WIDTH) {
    throw usageError(`invalid --width "${text}": expected a whole number of columns from ${MIN_WIDTH} to ${MAX_WIDTH}`);
  }
  return n;
}

export function widthOption(help: string): Option {
  return new Option('--width <columns>', help).argParser(parseWidth);
}

/** The typed options from parsed flags; shared with `event list --timeline`. */
export function timelineOptions(flags: TimelineFlags): TimelineOptions {
  return {
    since: flags.since,
    staleAfter: flags.staleAfter,
    width: flags.width,
    utc: flags.utc ?? false,
    json: flags.json ?? false,
  };
}

export function newCmdTimeline(f: Factory, runF: Run<TimelineOptions> = timelineRun): Command {
  return new Command('timeline')
    .description('a picture of the retained window: one row per service, availability below')
    .addOption(
      whenOption('--since', 'start of the window: a duration (6h) or an RFC 3339 time (default: all retained)'),
    )
    .addOption(staleAfterOption('an all-healthy stretch with no event for longer than this is drawn as unknown'))
    .addOption(widthOption('width of the picture in columns, labels included (default: the terminal width)'))
    .addOption(utcOption())
    .addOption(jsonOption('print slices and availability as JSON'))
    .addHelpText(
      'after',
      examples(
        'cluster event timeline',
        'cluster event timeline --since 6h --width 100',
        "cluster event timeline --json | jq '.services[].availability_percent'",
      ),
    )
    .action(async (flags: TimelineFlags, cmd: Command) => {
      const opts = timelineOptions(flags);
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

export async function timelineRun(opts: TimelineOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const width = opts.width ?? Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, io.columns));
  const { events, now } = await fetchEvents(ctx);
  const { since } = windowAt({ since: opts.since }, now);
  if (since !== undefined && since >= now) throw usageError(`--since "${opts.since!.text}" is not in the past`);
  const { start, end } = timelineWindow(events, now, since);
  const limit = resolveStaleLimit(ctx, opts.staleAfter, { history: events });
  const t = buildTimeline(events, { start, end, cells: width - LABEL_WIDTH, staleAfterMs: limit.ms, now });

  if (opts.json) {
    writeJson(io, timelineJson(t, limit.source));
    if (events.length === 0) ctx.printer.note(NO_EVENTS);
    return EXIT.OK;
  }
  if (events.length === 0) {
    ctx.printer.note(NO_EVENTS);
    return EXIT.OK;
  }
  io.stdout.write(
    renderTimeline(
      t,
      { utc: opts.utc, color: io.color, columns: width, staleLimit: summarizeLimit(limit) },
      await paintKit(io.color),
    ),
  );
  return EXIT.OK;
}
