/**
 * `cluster event watch`: flags → watch engine → renderer. The engine (src/watch/) does the
 * polling, gap filling, back-off and staleness; render/watch.ts does the output.
 */
import { Command } from 'commander';
import type { Context } from '../../context.js';
import { parseSince, type SinceSpec } from '../../domain/since.js';
import { type StaleAfterSpec, trustsServerClock } from '../../domain/staleness.js';
import { CliError, EXIT, usageError } from '../../errors.js';
import {
  EXEC_ON,
  EXEC_PAYLOAD,
  type ExecOn,
  type ExecOptions,
  type ExecPayload,
  PAGERDUTY_KEY_ENV,
} from '../../hooks/payload.js';
import type { HookSeams, WatchHooks } from '../../hooks/watch-hooks.js';
import { omittedWarning } from '../../queries/event-history.js';
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
  /** `--exec`: a shell command run for each line, each change, or each transition (src/hooks/). */
  exec?: ExecOptions;
}

/** For tests: what the run hands out about its hooks, so a virtual clock can wait for them. */
export interface WatchSeams extends HookSeams {
  hooks?(h: WatchHooks): void;
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
  for?: number;
  repeat?: number;
  execMinInterval?: number;
  execPayload?: ExecPayload;
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
    .addOption(durationOption('--timeout <duration>', 'give up after this long, hooks included (exit 124)', 1))
    .option(
      '--exec <command>',
      'run this shell command (/bin/sh) per line, change or transition: JSON on stdin, CLUSTER_* variables',
    )
    .addOption(
      durationOption('--exec-timeout <duration>', 'stop a hook that runs longer than this', 1).default(30_000, '30s'),
    )
    .addOption(
      choiceOption<ExecOn>(
        '--exec-on <when>',
        'every line; only when the verdict or a status changed; or transition: when the verdict goes bad (firing) and is healthy again (resolved)',
        EXEC_ON,
      ).default('every'),
    )
    .addOption(
      durationOption(
        '--for <duration>',
        'with --exec-on transition: fire only once a bad verdict has held this long (a shorter flap runs nothing)',
        0,
      ),
    )
    .addOption(
      durationOption('--repeat <duration>', 'with --exec-on transition: run again this often while firing', 1000),
    )
    .addOption(
      durationOption(
        '--exec-min-interval <duration>',
        'at most one hook run per interval; the newest held back runs once it is over, with CLUSTER_SUPPRESSED',
        1000,
      ),
    )
    .addOption(
      choiceOption<ExecPayload>(
        '--exec-payload <preset>',
        `the hook's stdin: the server's event, a generic webhook body, an Alertmanager alert list, or a PagerDuty Events v2 event (key from ${PAGERDUTY_KEY_ENV})`,
        EXEC_PAYLOAD,
      ).default('event'),
    )
    .addHelpText(
      'after',
      examples(
        'cluster event watch',
        "cluster event watch --json | jq -c 'select(.all_healthy == false)'",
        'cluster event watch --until healthy --timeout 5m',
        'cluster event watch --since 6h --details',
        "cluster event watch --exec-on change --exec './notify.sh'   (event JSON on stdin)",
        "cluster event watch --exec-on transition --for 2m --exec './page.sh'   (CLUSTER_TRANSITION=firing|resolved)",
        'cluster event watch --exec-on transition --for 2m --repeat 1m --exec-payload alertmanager \\',
        '    --exec \'curl -fsS -H "Content-Type: application/json" --data @- http://alertmanager:9093/api/v2/alerts\'',
        'cluster event watch --exec-on transition --for 2m --exec-payload pagerduty \\',
        '    --exec \'curl -fsS -H "Content-Type: application/json" --data @- https://events.pagerduty.com/v2/enqueue\'',
        "cluster event watch --exec-on transition --exec-min-interval 10m --exec-payload webhook --exec './chat.sh'",
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

const COMPANIONS = [
  ['execTimeout', '--exec-timeout'],
  ['execOn', '--exec-on'],
  ['for', '--for'],
  ['repeat', '--repeat'],
  ['execMinInterval', '--exec-min-interval'],
  ['execPayload', '--exec-payload'],
] as const;

/** `--exec` and its companions; the companions alone, or a transition's without it, are a usage error. */
function execOf(flags: WatchFlags, cmd: Command): { exec?: ExecOptions } {
  const given = (list: readonly (typeof COMPANIONS)[number][]) =>
    list.filter(([k]) => cmd.getOptionValueSource(k) === 'cli').map(([, flag]) => flag);
  const list = (names: string[]) => `${names.join(' and ')} need${names.length > 1 ? '' : 's'}`;
  if (flags.exec === undefined) {
    const alone = given(COMPANIONS);
    if (alone.length) throw usageError(`${list(alone)} --exec`);
    return {};
  }
  if (flags.exec.trim() === '') throw usageError('--exec needs a command');
  const on = flags.execOn ?? 'every';
  const payload = flags.execPayload ?? 'event';
  if (on !== 'transition') {
    const timing = given(COMPANIONS.filter(([k]) => k === 'for' || k === 'repeat'));
    if (timing.length) throw usageError(`${list(timing)} --exec-on transition`);
    if (payload === 'alertmanager' || payload === 'pagerduty')
      throw usageError(
        `--exec-payload ${payload} needs --exec-on transition: an alert fires when the verdict goes bad and resolves when it is healthy again`,
      );
  }
  return {
    exec: {
      command: flags.exec,
      timeoutMs: flags.execTimeout ?? 30_000,
      on,
      payload,
      ...(flags.for !== undefined && { forMs: flags.for }),
      ...(flags.repeat !== undefined && { repeatMs: flags.repeat }),
      ...(flags.execMinInterval !== undefined && { minIntervalMs: flags.execMinInterval }),
    },
  };
}

export async function watchRun(opts: WatchOptions, ctx: Context, seams: WatchSeams = {}): Promise<number> {
  // The engine owns retries (back-off, outage reporting): the client makes one attempt per request.
  const connection = ctx.connection();
  // No spinner: the watch says what it is doing itself (outage notices, its status line).
  const raw = await ctx.client({ keepAlive: true, connection: { ...connection, retries: 0 }, progress: undefined });
  // With `auto`, every event list the engine reads anyway teaches the instance's healthy period.
  const limit = followStaleLimit(ctx, opts.staleAfter, connection);
  let omittedSaid = false;
  const client = {
    ...raw,
    listEvents: async () => {
      const answer = await raw.listEvents();
      if (answer.omitted && !omittedSaid) {
        omittedSaid = true;
        renderer.warn(omittedWarning(answer.data.length + answer.omitted));
      }
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
    (await import('../../hooks/watch-hooks.js')).startHooks(
      opts.exec,
      ctx,
      { profile: connection.profileName, host: connection.host },
      { note: renderer.say, warn: renderer.warn },
      seams,
    );
  if (hooks) seams.hooks?.(hooks);
  // --timeout is a deadline for the whole command, the hooks still queued when the watch ends included.
  const deadline = opts.timeoutMs !== undefined ? ctx.clock.now() + opts.timeoutMs : undefined;
  const watcher = createWatcher({
    intervalMs: opts.intervalMs,
    since: opts.since,
    details: opts.details,
    staleAfterMs: () => limit.current().ms,
    trustServerClock: trustsServerClock(ctx.env),
    until: opts.until,
    timeoutMs: opts.timeoutMs,
    client,
    clock: ctx.clock,
    signal: ctx.signal,
    observer: hooks ? hooks.observe(renderer) : renderer,
    ...(renderer.live && { statusTickMs: 1000 }),
  });
  ctx.verbose(`watching ${connection.host} every ${formatDuration(opts.intervalMs)}`);
  let end: WatchEnd | undefined;
  let hooksTimedOut = false;
  try {
    end = await watcher.run();
  } finally {
    renderer.finish();
    client.close();
    // What is queued for the hooks runs, however the watch ended — until the deadline.
    hooksTimedOut =
      (await hooks?.finish({
        aborted: ctx.signal.aborted,
        timedOut: end?.reason === 'timeout',
        deadline,
        ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
      })) ?? false;
  }
  // Met --until, but the hooks ran into the deadline: the command timed out (an interrupt or an error says its own).
  if (hooksTimedOut && end.reason === 'until')
    throw new CliError(`timed out after ${formatDuration(opts.timeoutMs ?? 0)}: the hooks had not finished`, {
      exitCode: EXIT.TIMEOUT,
      kind: 'timeout',
    });
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
