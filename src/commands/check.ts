/**
 * `cluster check`: a Monitoring Plugin (Nagios, Icinga, Sensu, Zabbix agents, NRPE) by the Monitoring
 * Plugins Development Guidelines. One instance, one answer on stdout whatever happens — the state
 * line with performance data, then a line per service — and the plugin's exit code: 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN (domain/nagios.ts says which verdict is which). `-t` is a deadline
 * for the whole check, retries included: the check answers within it, never the scheduler's timeout.
 * `status --format nagios` is this command with its defaults.
 */
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import {
  addThreshold,
  PLUGIN_DEFAULTS,
  PLUGIN_EXIT,
  type PluginOptions,
  type PluginState,
  pluginState,
  type Thresholds,
} from '../domain/nagios.js';
import { STALE_DEFAULT_MS, type StaleAfterSpec } from '../domain/staleness.js';
import { usageError } from '../errors.js';
import { checkRow } from '../queries/fleet-rows.js';
import { renderNagios } from '../render/nagios.js';
import { parseDuration } from '../util/duration.js';
import { didYouMean } from '../util/suggest.js';
import type { Factory, Run } from './factory.js';
import { examples, staleAfterOption, utcOption } from './flags.js';

export interface CheckOptions extends PluginOptions {
  staleAfter: StaleAfterSpec;
}

interface CheckFlags {
  timeout: number;
  warning?: Thresholds;
  critical?: Thresholds;
  staleState: PluginState;
  startingState: PluginState;
  timeoutState: PluginState;
  staleAfter: StaleAfterSpec;
  utc?: boolean;
}

/** `-t SECONDS` (the plugins' convention; a duration such as `30s` too), at least 1 s. */
function parseTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000)
    throw usageError(`invalid -t/--timeout "${text}": expected a number of seconds of at least 1, such as 10`);
  return ms;
}

/** A plugin state flag: one of `states`, case as the plugins write them or in lower case. */
function stateOption(flags: string, help: string, states: readonly PluginState[], fallback: PluginState): Option {
  const name = flags.split(' ')[0]!;
  return new Option(flags, `${help}: ${states.map((s) => s.toLowerCase()).join(', ')}`)
    .argParser((v: string): PluginState => {
      const s = v.trim().toUpperCase() as PluginState;
      if (states.includes(s)) return s;
      const names = states.map((x) => x.toLowerCase());
      throw usageError(`invalid ${name} "${v}": expected ${names.join(', ')}`, didYouMean(v, names));
    })
    .default(fallback, fallback.toLowerCase());
}

const thresholdHelp = (level: string) =>
  `${level} threshold, [age=|unhealthy_for=]RANGE, repeatable: the age of the latest check (the default label) or how long a service has been unhealthy; RANGE as the plugins write it, in seconds or durations (600, 10m, 5m:20m, @1h:)`;

export function newCmdCheck(f: Factory, runF: Run<CheckOptions> = checkRun): Command {
  return new Command('check')
    .description('a Monitoring Plugin for Nagios / Icinga / Sensu: one line, perfdata, exit 0 OK / 1 / 2 / 3 UNKNOWN')
    .addOption(
      new Option('-t, --timeout <seconds>', 'a deadline for the whole check, retries included')
        .argParser(parseTimeout)
        .default(10_000, '10'),
    )
    .addOption(
      new Option('-w, --warning <threshold>', thresholdHelp('warning')).argParser((v: string, prev?: Thresholds) =>
        addThreshold(v, '-w/--warning', prev),
      ),
    )
    .addOption(
      new Option('-c, --critical <threshold>', thresholdHelp('critical')).argParser((v: string, prev?: Thresholds) =>
        addThreshold(v, '-c/--critical', prev),
      ),
    )
    .addOption(
      stateOption(
        '--stale-state <state>',
        'the state of stale data (the recorder stopped)',
        ['CRITICAL', 'WARNING', 'UNKNOWN'],
        'CRITICAL',
      ),
    )
    .addOption(
      stateOption(
        '--starting-state <state>',
        'the state of a starting instance',
        ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'],
        'WARNING',
      ),
    )
    .addOption(
      stateOption(
        '--timeout-state <state>',
        'the state when -t runs out',
        ['UNKNOWN', 'WARNING', 'CRITICAL'],
        'UNKNOWN',
      ),
    )
    .addOption(staleAfterOption())
    .addOption(utcOption())
    .addHelpText(
      'after',
      `${examples(
        'cluster check --profile prod',
        'cluster check -t 5 -w 15m -c 30m              age of the latest check',
        'cluster check -w unhealthy_for=2m -c unhealthy_for=10m   a short outage only warns',
        'cluster check --stale-state warning --timeout-state critical',
      )}\n\nExit codes are the plugins': 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.`,
    )
    .action(async (flags: CheckFlags, cmd: Command) => {
      const opts: CheckOptions = {
        timeoutMs: flags.timeout,
        timeoutState: flags.timeoutState,
        staleState: flags.staleState,
        startingState: flags.startingState,
        warning: flags.warning ?? {},
        critical: flags.critical ?? {},
        utc: flags.utc ?? false,
        staleAfter: flags.staleAfter,
      };
      await f.run(cmd, runF, opts);
    });
}

/** One plugin answer on stdout and a plugin exit code, whatever happens (README "cluster check"). */
export async function checkRun(opts: CheckOptions, ctx: Context): Promise<number> {
  // A row as the fleet reads it: its verdict whatever happens (unreachable included), never thrown.
  const row = await checkRow(ctx, 'check', () => ctx.connection(), opts.staleAfter, { deadlineMs: opts.timeoutMs });
  const now = row.now ?? ctx.clock.now();
  const state = pluginState(row.verdict, opts, now);
  const view = { utc: opts.utc, now, staleAfterMs: row.limit?.ms ?? STALE_DEFAULT_MS };
  ctx.io.stdout.write(renderNagios(state, row, opts, view));
  return PLUGIN_EXIT[state];
}

/** `status --format nagios`: the check with its defaults. */
export function statusAsCheck(staleAfter: StaleAfterSpec, utc: boolean, ctx: Context): Promise<number> {
  return checkRun({ ...PLUGIN_DEFAULTS, utc, staleAfter }, ctx);
}
