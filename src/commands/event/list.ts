/**
 * `cluster event list`: the retained history (newest first), filtered client-side.
 * `--incidents` and `--timeline` show the same as `event incidents` and `event timeline`.
 */
import { Command } from 'commander';
import type { Service } from '../../api/types.js';
import type { Context } from '../../context.js';
import { checkWindowOrder, filterEvents, newestFirst, shortIdLength, timeOf, windowAt } from '../../domain/history.js';
import type { StaleAfterSpec } from '../../domain/staleness.js';
import { isStale } from '../../domain/verdict.js';
import { EXIT, usageError } from '../../errors.js';
import { fetchEvents, NO_EVENTS } from '../../queries/event-history.js';
import { limitPhrase, resolveStaleLimit } from '../../queries/stale-limit.js';
import { writeJson } from '../../render/json.js';
import { paintKit } from '../../render/kit.js';
import { renderEventRows, renderEventTable } from '../../render/list.js';
import { futureReason } from '../../render/verdict.js';
import { formatDuration } from '../../util/duration.js';
import type { When } from '../../util/when.js';
import type { Factory, Run } from '../factory.js';
import { examples, jsonOption, limitOption, serviceOption, staleAfterOption, utcOption, whenOption } from '../flags.js';
import { type IncidentsOptions, incidentsOptions, incidentsRun } from './incidents.js';
import { type TimelineOptions, timelineOptions, timelineRun, widthOption } from './timeline.js';

export interface ListFilters {
  since?: When;
  until?: When;
  unhealthy: boolean;
  service?: Service;
  limit?: number;
  reverse: boolean;
  wide: boolean;
  utc: boolean;
  json: boolean;
  staleAfter: StaleAfterSpec;
}

/** What `event list` shows: the events, or (with --incidents / --timeline) the other views. */
export type ListOptions =
  | ({ view: 'events' } & ListFilters)
  | { view: 'incidents'; incidents: IncidentsOptions }
  | { view: 'timeline'; timeline: TimelineOptions };

interface ListFlags {
  since?: When;
  until?: When;
  unhealthy?: boolean;
  service?: Service;
  limit?: number;
  reverse?: boolean;
  wide?: boolean;
  utc?: boolean;
  json?: boolean;
  staleAfter: StaleAfterSpec;
  incidents?: boolean;
  timeline?: boolean;
  width?: number;
}

const LIST_ONLY = [
  ['unhealthy', '--unhealthy'],
  ['limit', '--limit'],
  ['reverse', '--reverse'],
  ['wide', '--wide'],
] as const;

function refuse(flags: ListFlags, mode: string, refused: readonly (readonly [keyof ListFlags, string])[]): void {
  for (const [key, flag] of refused) {
    if (flags[key] !== undefined && flags[key] !== false)
      throw usageError(`${flag} does not apply with ${mode}`, `see \`cluster event ${mode.slice(2)} --help\``);
  }
}

/**
 * The typed options from parsed flags: every combination that makes no sense is a usage error here.
 * `staleAfterGiven`: --stale-after was on the command line (it has a default, so the flags cannot say).
 */
export function listOptions(flags: ListFlags, staleAfterGiven = false): ListOptions {
  if (flags.incidents && flags.timeline) throw usageError('give either --incidents or --timeline, not both');
  if (flags.incidents) {
    refuse(flags, '--incidents', [...LIST_ONLY, ['width', '--width']]);
    // Incidents are the statuses' runs: no staleness in them (`event incidents` has no such flag).
    if (staleAfterGiven)
      throw usageError('--stale-after does not apply with --incidents', 'see `cluster event incidents --help`');
    return { view: 'incidents', incidents: incidentsOptions(flags) };
  }
  if (flags.timeline) {
    refuse(flags, '--timeline', [...LIST_ONLY, ['service', '--service'], ['until', '--until']]);
    return { view: 'timeline', timeline: timelineOptions(flags) };
  }
  if (flags.width !== undefined) throw usageError('--width applies only with --timeline');
  checkWindowOrder(flags.since, flags.until);
  return {
    view: 'events',
    since: flags.since,
    until: flags.until,
    unhealthy: flags.unhealthy ?? false,
    service: flags.service,
    limit: flags.limit,
    reverse: flags.reverse ?? false,
    wide: flags.wide ?? false,
    utc: flags.utc ?? false,
    json: flags.json ?? false,
    staleAfter: flags.staleAfter,
  };
}

/** Whether the chosen view prints JSON (then an error is JSON on stdout too). */
function jsonOf(opts: ListOptions): boolean {
  if (opts.view === 'incidents') return opts.incidents.json;
  if (opts.view === 'timeline') return opts.timeline.json;
  return opts.json;
}

export function newCmdList(f: Factory, runF: Run<ListOptions> = listRun): Command {
  return new Command('list')
    .alias('ls')
    .description('the retained event history (newest first)')
    .addOption(whenOption('--since', 'from this time on: a duration (2h, 3d) or an RFC 3339 time'))
    .addOption(whenOption('--until', 'up to this time: a duration ago or an RFC 3339 time'))
    .option('--unhealthy', 'only events that are not all healthy')
    .addOption(serviceOption('only events where this service is not healthy'))
    .addOption(limitOption())
    .option('--reverse', 'oldest first')
    .option('--wide', 'full event ids')
    .addOption(utcOption())
    .addOption(jsonOption())
    .addOption(staleAfterOption())
    .option('--incidents', 'group into incidents (same as `event incidents`)')
    .option('--timeline', 'draw a timeline (same as `event timeline`)')
    .addOption(widthOption('with --timeline: width of the picture in columns'))
    .addHelpText(
      'after',
      examples(
        'cluster event list --since 6h',
        'cluster event list --unhealthy --service compiler --json | jq length',
        'cluster event list --limit 20 --reverse',
      ),
    )
    .action(async (flags: ListFlags, cmd: Command) => {
      const opts = listOptions(flags, cmd.getOptionValueSource('staleAfter') === 'cli');
      await f.run(cmd, runF, opts, { json: jsonOf(opts) });
    });
}

export async function listRun(opts: ListOptions, ctx: Context): Promise<number> {
  if (opts.view === 'incidents') return incidentsRun(opts.incidents, ctx);
  if (opts.view === 'timeline') return timelineRun(opts.timeline, ctx);
  const { io } = ctx;
  const { events, now } = await fetchEvents(ctx);
  const { since, until } = windowAt(opts, now);
  const shown = filterEvents(events, {
    since,
    until,
    unhealthy: opts.unhealthy,
    service: opts.service,
    limit: opts.limit,
    reverse: opts.reverse,
  });

  const limit = resolveStaleLimit(ctx, opts.staleAfter, { history: events });
  const newest = newestFirst(events)[0];
  const newestAge = newest ? now - timeOf(newest) : 0;
  const staleId = newest && isStale(newest, newestAge, limit.ms) ? newest.id : undefined;

  if (opts.json) writeJson(io, shown);
  if (events.length === 0) {
    ctx.printer.note(NO_EVENTS);
    return EXIT.OK;
  }
  if (shown.length === 0) {
    const oldest = timeOf(newestFirst(events).at(-1)!);
    ctx.printer.note(
      `no events match (${events.length} retained, from ${formatDuration(now - oldest)} ago to ${formatDuration(Math.max(0, newestAge))} ago)`,
    );
  } else if (!opts.json) {
    if (io.stdoutIsTTY) {
      const idLength = opts.wide ? undefined : shortIdLength(events.map((e) => e.id));
      io.stdout.write(
        renderEventTable(
          shown,
          { utc: opts.utc, now, idLength, staleId, columns: io.columns },
          await paintKit(io.color),
        ),
      );
    } else {
      io.stdout.write(renderEventRows(shown, staleId));
    }
  }
  if (staleId && newestAge < 0) ctx.printer.warn(futureReason(newestAge).replace('latest check', 'newest event'));
  else if (staleId) {
    ctx.printer.warn(
      `the newest event is ${formatDuration(newestAge)} old (more than ${limitPhrase(ctx, limit)}): the monitor has stopped recording, so current health is unknown`,
    );
  }
  return EXIT.OK;
}
