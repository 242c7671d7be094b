/**
 * `cluster event watch`: flags → watch engine → renderer. The engine (src/watch/) does the
 * polling, gap filling, back-off and staleness; render/watch.ts does the output.
 */
import { Command } from 'commander';
import type { Context } from '../../context.js';
import { parseSince, type SinceSpec } from '../../domain/since.js';
import { CliError, EXIT } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import { createWatcher, type UntilCondition } from '../../watch/engine.js';
import type { Factory, Run } from '../factory.js';
import { choiceOption, durationOption, examples, jsonOption, staleAfterOption, utcOption } from '../flags.js';

export interface WatchOptions {
  intervalMs: number;
  since?: SinceSpec;
  details: boolean;
  json: boolean;
  utc: boolean;
  staleAfterMs: number;
  until?: UntilCondition;
  timeoutMs?: number;
}

interface WatchFlags {
  interval: number;
  since?: SinceSpec;
  details?: boolean;
  json?: boolean;
  utc?: boolean;
  staleAfter: number;
  until?: UntilCondition;
  timeout?: number;
}

export const UNTIL: readonly UntilCondition[] = ['healthy', 'unhealthy', 'change'];

export function newCmdWatch(f: Factory, runF: Run<WatchOptions> = watchRun): Command {
  return new Command('watch')
    .description('follow events as they are recorded: cheap polling, every change, no gaps')
    .addOption(durationOption('--interval <duration>', 'poll interval, at least 1s', 1000).default(10_000, '10s'))
    .option('--since <when|id>', 'first replay retained history from a duration, RFC 3339 time or event id', parseSince)
    .option('--details', 'show the reports of a service that turned unhealthy')
    .addOption(jsonOption('NDJSON: one server event object per line'))
    .addOption(utcOption())
    .addOption(staleAfterOption())
    .addOption(choiceOption<UntilCondition>('--until <condition>', 'exit 0 once the condition holds', UNTIL))
    .addOption(durationOption('--timeout <duration>', 'give up after this long (exit 124)', 1))
    .addHelpText('after', examples('cluster event watch', "cluster event watch --json | jq -c 'select(.all_healthy|not)'", 'cluster event watch --until healthy --timeout 5m', 'cluster event watch --since 6h --details'))
    .action(async (flags: WatchFlags, cmd: Command) => {
      const opts: WatchOptions = {
        intervalMs: flags.interval,
        since: flags.since,
        details: flags.details ?? false,
        json: flags.json ?? false,
        utc: flags.utc ?? false,
        staleAfterMs: flags.staleAfter,
        until: flags.until,
        timeoutMs: flags.timeout,
      };
      await f.run(cmd, runF, opts, { json: opts.json, longRunning: true });
    });
}

export async function watchRun(opts: WatchOptions, ctx: Context): Promise<number> {
  // The engine owns retries (back-off, outage reporting): the client makes one attempt per request.
  const connection = ctx.connection();
  // No spinner: the watch says what it is doing itself (outage notices, its status line).
  const client = await ctx.client({ keepAlive: true, connection: { ...connection, retries: 0 }, progress: undefined });
  // Loaded here, not at start-up: the watch renderer draws with chalk.
  const { createWatchRenderer, summaryText } = await import('../../render/watch.js');
  const reports = opts.details && !opts.json ? (await import('../../render/event.js')).renderServiceReports : undefined;
  const renderer = createWatchRenderer(ctx.io, {
    json: opts.json,
    utc: opts.utc,
    statusLine: ctx.io.stderrIsTTY && ctx.io.stdoutIsTTY && !ctx.flags.verbose,
    now: () => ctx.clock.now(),
    ...(reports && { reports }),
  });
  const watcher = createWatcher({
    intervalMs: opts.intervalMs,
    since: opts.since,
    details: opts.details,
    staleAfterMs: opts.staleAfterMs,
    until: opts.until,
    timeoutMs: opts.timeoutMs,
    client,
    clock: ctx.clock,
    signal: ctx.signal,
    observer: renderer,
    ...(renderer.live && { statusTickMs: 1000 }),
  });
  ctx.verbose(`watching ${connection.host} every ${formatDuration(opts.intervalMs)}`);
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
      throw new CliError(`timed out after ${formatDuration(opts.timeoutMs ?? 0)}${opts.until ? ` waiting for --until ${opts.until}` : ''}`, {
        exitCode: EXIT.TIMEOUT,
        kind: 'timeout',
      });
    case 'aborted':
      renderer.note(summaryText(watcher.snapshot()));
      return end.exitCode;
    case 'fatal':
      throw end.error;
  }
}
