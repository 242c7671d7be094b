/**
 * `cluster event list`: the retained history (newest first), filtered client-side.
 * `--incidents` and `--timeline` hand over to `event incidents` and `event timeline`.
 */
import type { Context } from '../../context.js';
import { EXIT, usageError } from '../../errors.js';
import { filterEvents, newestFirst, parseLimit, parseService, checkWindowSyntax, parseWindow, shortIdLength, timeOf } from '../../domain/history.js';
import { NO_EVENTS, fetchEvents, note, warn } from '../shared/history.js';
import { isStale, parseStaleAfter } from '../../domain/verdict.js';
import { formatDuration } from '../../util/duration.js';

export interface ListOptions {
  since?: string;
  until?: string;
  utc?: boolean;
  json?: boolean;
  unhealthy?: boolean;
  service?: string;
  limit?: string;
  reverse?: boolean;
  wide?: boolean;
  incidents?: boolean;
  timeline?: boolean;
  staleAfter?: string;
  width?: string;
}

const LIST_ONLY = [
  ['unhealthy', '--unhealthy'],
  ['limit', '--limit'],
  ['reverse', '--reverse'],
  ['wide', '--wide'],
] as const;

function refuse(opts: ListOptions, mode: string, flags: readonly (readonly [keyof ListOptions, string])[]): void {
  for (const [key, flag] of flags) {
    if (opts[key] !== undefined && opts[key] !== false) throw usageError(`${flag} does not apply with ${mode}`, `see \`cluster event ${mode.slice(2)} --help\``);
  }
}

export async function run(opts: ListOptions & Record<string, unknown>, ctx: Context, args: string[] = []): Promise<number> {
  if (opts.incidents && opts.timeline) throw usageError('give either --incidents or --timeline, not both');
  if (opts.incidents) {
    refuse(opts, '--incidents', [...LIST_ONLY, ['width', '--width']]);
    return (await import('./incidents.js')).run(opts, ctx, args);
  }
  if (opts.timeline) {
    refuse(opts, '--timeline', [...LIST_ONLY, ['service', '--service'], ['until', '--until']]);
    return (await import('./timeline.js')).run(opts, ctx, args);
  }

  // Every usage error before any request.
  if (opts.width !== undefined) throw usageError('--width applies only with --timeline');
  const limit = parseLimit(opts.limit);
  const service = parseService(opts.service);
  checkWindowSyntax(opts);
  const staleAfterMs = parseStaleAfter(opts.staleAfter);
  const { io } = ctx;

  const { events, now } = await fetchEvents(ctx);
  const { since, until } = parseWindow(opts, now);
  const shown = filterEvents(events, { since, until, unhealthy: Boolean(opts.unhealthy), service, limit, reverse: Boolean(opts.reverse) });

  const newest = newestFirst(events)[0];
  const newestAge = newest ? now - timeOf(newest) : 0;
  const staleId = newest && isStale(newest, newestAge, staleAfterMs) ? newest.id : undefined;

  if (opts.json) {
    const { writeJson } = await import('../../render/json.js');
    writeJson(io, shown);
  }
  if (events.length === 0) {
    note(ctx, NO_EVENTS);
    return EXIT.OK;
  }
  if (shown.length === 0) {
    const oldest = timeOf(newestFirst(events).at(-1)!);
    note(ctx, `no events match (${events.length} retained, from ${formatDuration(now - oldest)} ago to ${formatDuration(Math.max(0, newestAge))} ago)`);
  } else if (!opts.json) {
    if (io.stdoutIsTTY) {
      const [{ default: Table }, { palette }, { renderEventTable }] = await Promise.all([
        import('cli-table3'),
        import('../../render/style.js'),
        import('../../render/list.js'),
      ]);
      const idLength = opts.wide ? undefined : shortIdLength(events.map((e) => e.id));
      io.stdout.write(renderEventTable(shown, { utc: Boolean(opts.utc), now, idLength, staleId, columns: io.columns }, { Table, color: palette(io.color) }));
    } else {
      const { renderEventRows } = await import('../../render/list.js');
      io.stdout.write(renderEventRows(shown, staleId));
    }
  }
  if (staleId) {
    warn(ctx, `the newest event is ${formatDuration(newestAge)} old (more than --stale-after ${formatDuration(staleAfterMs)}): the monitor has stopped recording, so current health is unknown`);
  }
  return EXIT.OK;
}
