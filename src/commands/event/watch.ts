/**
 * `cluster event watch`: flags → watch engine → renderer. The engine (src/watch/engine.ts) does
 * the polling, gap filling, back-off and staleness; src/render/watch.ts does the output.
 */
import type { Context } from '../../context.js';
import { CliError, EXIT, usageError } from '../../errors.js';
import { createWatchRenderer, summaryText } from '../../render/watch.js';
import { formatDuration } from '../../util/duration.js';
import { parseDurationFlag } from '../../util/when.js';
import { parseStaleAfter } from '../../domain/verdict.js';
import { createWatcher, type UntilCondition, type WatchOptions } from '../../watch/engine.js';
import { parseSince } from '../../watch/since.js';

export interface WatchFlags {
  interval?: string;
  since?: string;
  details?: boolean;
  json?: boolean;
  utc?: boolean;
  staleAfter?: string;
  until?: string;
  timeout?: string;
  verbose?: boolean;
}

const UNTIL: readonly UntilCondition[] = ['healthy', 'unhealthy', 'change'];

/** Validated options for the engine (everything but the client, clock and observer). */
export function watchSettings(flags: WatchFlags, now: number): Pick<WatchOptions, 'intervalMs' | 'since' | 'details' | 'staleAfterMs' | 'until' | 'timeoutMs'> {
  const intervalMs = parseDurationFlag(flags.interval ?? '10s', '--interval', 1000);
  const staleAfterMs = parseStaleAfter(flags.staleAfter);
  const timeoutMs = flags.timeout !== undefined ? parseDurationFlag(flags.timeout, '--timeout', 1) : undefined;
  if (flags.until !== undefined && !UNTIL.includes(flags.until as UntilCondition)) {
    throw usageError(`invalid --until "${flags.until}": expected one of ${UNTIL.join(', ')}`);
  }
  return {
    intervalMs,
    staleAfterMs,
    timeoutMs,
    details: Boolean(flags.details),
    until: flags.until as UntilCondition | undefined,
    since: flags.since !== undefined ? parseSince(flags.since, now) : undefined,
  };
}

export async function run(opts: Record<string, unknown>, ctx: Context): Promise<number> {
  const flags = opts as WatchFlags;
  const settings = watchSettings(flags, ctx.clock.now());
  // The engine owns retries (back-off, outage reporting): the client makes one attempt per request.
  const connection = ctx.connection();
  const client = await ctx.client({ keepAlive: true, connection: { ...connection, retries: 0 } });
  const reports = settings.details && !flags.json ? (await import('../../render/event.js')).renderServiceReports : undefined;
  const renderer = createWatchRenderer(ctx.io, {
    json: Boolean(flags.json),
    utc: Boolean(flags.utc),
    statusLine: ctx.io.stderrIsTTY && ctx.io.stdoutIsTTY && !flags.verbose,
    now: () => ctx.clock.now(),
    ...(reports && { reports }),
  });
  const watcher = createWatcher({
    ...settings,
    client,
    clock: ctx.clock,
    signal: ctx.signal,
    observer: renderer,
    ...(renderer.live && { statusTickMs: 1000 }),
  });
  ctx.verbose(`watching ${connection.host} every ${formatDuration(settings.intervalMs)}`);
  let end;
  try {
    end = await watcher.run();
  } finally {
    renderer.finish();
    client.close();
  }
  switch (end.reason) {
    case 'until':
      return EXIT.OK;
    case 'timeout':
      throw new CliError(
        `timed out after ${formatDuration(settings.timeoutMs ?? 0)}${settings.until ? ` waiting for --until ${settings.until}` : ''}`,
        { exitCode: EXIT.TIMEOUT, kind: 'timeout' },
      );
    case 'aborted':
      renderer.note(summaryText(watcher.snapshot()));
      return end.exitCode;
    case 'fatal':
      throw end.error;
  }
}
