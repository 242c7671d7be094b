/**
 * `cluster event watch`: flags → watch engine → renderer. The engine (src/watch/) does the
 * polling, gap filling, back-off and staleness; render/watch.ts does the output.
 */
import { Command } from 'commander';
import type { Context } from '../../context.js';
import { parseSince, type SinceSpec } from '../../domain/since.js';
import type { StaleAfterSpec } from '../../domain/staleness.js';
import { CliError, EXIT, usageError } from '../../errors.js';
import { EXEC_ON, type ExecOn, type ExecOptions } from '../../hooks/payload.js';
import { explainWithOwnClient } from '../../queries/feldera-version.js';
import { followStaleLimit, limitPhrase } from '../../queries/stale-limit.js';
import { formatDuration } from '../../util/duration.js';
import { createWatcher, type UntilCondition } from '../../watch/engine.js';
import type { WatchEnd } from '../../watch/types.js';
import type { Factory, Run } from '../factory.js';
import { choiceOption, durationOption, examples, jsonOption, staleAfterOption, utcOption } from '../flags.js';

export interface WatchOptions {
  intervalMs: number;
  since?: SinceSpec;
  details: boolean;
  json: boolean;
  utc: boolean;
  staleAfter: StaleAfterSpec;
  until?: UntilCondition;
  timeoutMs?: number;
  /** `--exec`: a shell command run for each line (or each change), with the event. */
  exec?: ExecOptions;
}

interface WatchFlags {
  interval: number;
  since?: SinceSpec;
  details?: boolean;
  json?: boolean;
  utc?: boolean;
  staleAfter: StaleAfterSpec;
  until?: UntilCondition;
  timeout?: number;
  exec?: string;
  execTimeout?: number;
  execOn?: ExecOn;
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
    .option('--exec <command>', 'run this shell command for each line: the event JSON on stdin, CLUSTER_* variables')
    .addOption(
      durationOption('--exec-timeout <duration>', 'stop a hook that runs longer than this', 1).default(30_000, '30s'),
    )
    .addOption(
      choiceOption<ExecOn>(
        '--exec-on <when>',
        'every line, or only when the verdict or a status changed',
        EXEC_ON,
      ).default('every'),
    )
    .addHelpText(
      'after',
      examples(
        'cluster event watch',
        "cluster event watch --json | jq -c 'select(.all_healthy == false)'",
        'cluster event watch --until healthy --timeout 5m',
        'cluster event watch --since 6h --details',
        "cluster event watch --exec-on change --exec './notify.sh'   (event JSON on stdin)",
      ),
    )
    .action(async (flags: WatchFlags, cmd: Command) => {
      const opts: WatchOptions = {
        intervalMs: flags.interval,
        since: flags.since,
        details: flags.details ?? false,
        json: flags.json ?? false,
        utc: flags.utc ?? false,
        staleAfter: flags.staleAfter,
        until: flags.until,
        timeoutMs: flags.timeout,
        ...execOf(flags, cmd),
      };
      await f.run(cmd, runF, opts, { json: opts.json, longRunning: true });
    });
}

/** `--exec` and its companions; the companions alone are a usage error. */
function execOf(flags: WatchFlags, cmd: Command): { exec?: ExecOptions } {
  if (flags.exec === undefined) {
    const given = (['execTimeout', 'execOn'] as const).filter((k) => cmd.getOptionValueSource(k) === 'cli');
    if (given.length)
      throw usageError(
        `${given.map((k) => (k === 'execOn' ? '--exec-on' : '--exec-timeout')).join(' and ')} need${given.length > 1 ? '' : 's'} --exec`,
      );
    return {};
  }
  if (flags.exec.trim() === '') throw usageError('--exec needs a command');
  return { exec: { command: flags.exec, timeoutMs: flags.execTimeout ?? 30_000, on: flags.execOn ?? 'every' } };
}

export async function watchRun(opts: WatchOptions, ctx: Context): Promise<number> {
  // The engine owns retries (back-off, outage reporting): the client makes one attempt per request.
  const connection = ctx.connection();
  // No spinner: the watch says what it is doing itself (outage notices, its status line).
  const raw = await ctx.client({ keepAlive: true, connection: { ...connection, retries: 0 }, progress: undefined });
  // With `auto`, every event list the engine reads anyway teaches the instance's healthy period.
  const limit = followStaleLimit(ctx, opts.staleAfter, connection);
  const client = {
    ...raw,
    listEvents: async () => {
      const answer = await raw.listEvents();
      limit.learn(answer.data);
      return answer;
    },
  };
  // Loaded here, not at start-up: the watch renderer draws with chalk.
  const { createWatchRenderer, summaryText } = await import('../../render/watch.js');
  const reports = opts.details && !opts.json ? (await import('../../render/event.js')).renderServiceReports : undefined;
  const renderer = createWatchRenderer(ctx.io, {
    json: opts.json,
    utc: opts.utc,
    statusLine: ctx.io.stderrIsTTY && ctx.io.stdoutIsTTY && !ctx.flags.verbose,
    now: () => ctx.clock.now(),
    describeLimit: () => limitPhrase(ctx, limit.current()),
    ...(reports && { reports }),
  });
  // Hooks see what the renderer sees, after it has printed it (src/hooks/).
  const hooks =
    opts.exec &&
    (await import('../../hooks/watch-hooks.js')).startHooks(opts.exec, ctx, {
      profile: connection.profileName,
      host: connection.host,
    });
  const watcher = createWatcher({
    intervalMs: opts.intervalMs,
    since: opts.since,
    details: opts.details,
    staleAfterMs: () => limit.current().ms,
    until: opts.until,
    timeoutMs: opts.timeoutMs,
    client,
    clock: ctx.clock,
    signal: ctx.signal,
    observer: hooks ? hooks.observe(renderer) : renderer,
    ...(renderer.live && { statusTickMs: 1000 }),
  });
  ctx.verbose(`watching ${connection.host} every ${formatDuration(opts.intervalMs)}`);
  let end: WatchEnd;
  try {
    end = await watcher.run();
  } finally {
    renderer.finish();
    client.close();
    // Every event queued for a hook gets it, however the watch ended.
    await hooks?.drain(ctx.signal.aborted);
  }
  switch (end.reason) {
    case 'until':
      return EXIT.OK;
    case 'timeout':
      throw new CliError(
        `timed out after ${formatDuration(opts.timeoutMs ?? 0)}${opts.until ? ` waiting for --until ${opts.until}` : ''}`,
        {
          exitCode: EXIT.TIMEOUT,
          kind: 'timeout',
        },
      );
    case 'aborted':
      renderer.note(summaryText(watcher.snapshot()));
      return end.exitCode;
    case 'fatal':
      throw await explainWithOwnClient(end.error, ctx);
  }
}
