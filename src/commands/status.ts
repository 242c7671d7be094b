/**
 * `cluster status`: is it healthy now? Exit 0 healthy, 2 not, 3 stale (all healthy but the
 * latest check is older than --stale-after by the server's clock), 1 could not tell. With
 * `--format nagios`, one Monitoring Plugins line and plugin exit codes instead (domain/nagios.ts).
 *
 * One instance: `GET /v0/cluster_healthz` (queries/cluster-health.ts). The fleet (`--all-profiles`,
 * `-p a,b,c`): every chosen profile at once, each over its own connection (queries/fleet-rows.ts), one
 * row per profile, the exit code the most serious of the rows.
 */
import { Command } from 'commander';
import { ApiError } from '../api/errors.js';
import type { Context } from '../context.js';
import {
  FLEET_IGNORED_ENV,
  type FleetChoice,
  fleetChoice,
  fleetExit,
  fleetInputs,
  fleetNames,
} from '../domain/fleet.js';
import type { StaleAfterSpec } from '../domain/staleness.js';
import { judge, nothingRecorded, verdictExit } from '../domain/verdict.js';
import { CliError, usageError } from '../errors.js';
import { fetchHealth, type HealthAnswer } from '../queries/cluster-health.js';
import { NO_EVENTS } from '../queries/event-history.js';
import { checkProfiles } from '../queries/fleet-rows.js';
import { limitPhrase, resolveStaleLimit } from '../queries/stale-limit.js';
import { writeJson } from '../render/json.js';
import { paintKit } from '../render/kit.js';
import {
  fleetJson,
  renderFleetPlain,
  renderFleetTerminal,
  renderStatusPlain,
  renderStatusTerminal,
  statusHeadline,
} from '../render/status.js';
import { checkAge } from '../render/verdict.js';
import { statusAsCheck } from './check.js';
import { type Factory, globalFlags, type Run } from './factory.js';
import { choiceOption, examples, jsonOption, staleAfterOption, utcOption } from './flags.js';

export interface StatusOptions {
  json: boolean;
  staleAfter: StaleAfterSpec;
  utc: boolean;
  /** Check several profiles instead of the one connection. */
  fleet?: FleetChoice;
  /** `--format nagios`: one Monitoring Plugins line, plugin exit codes. */
  nagios?: boolean;
}

interface StatusFlags {
  json?: boolean;
  staleAfter: StaleAfterSpec;
  utc?: boolean;
  allProfiles?: boolean;
  profiles?: string;
  format?: StatusFormat;
}

type StatusFormat = 'text' | 'json' | 'nagios';

export function newCmdStatus(f: Factory, runF: Run<StatusOptions> = statusRun): Command {
  return new Command('status')
    .description('is it healthy now? exit 0 healthy, 2 not, 3 stale, 1 unreachable')
    .addOption(jsonOption('print the HealthStatus object (per profile with --all-profiles)'))
    .addOption(
      choiceOption<StatusFormat>(
        '--format <format>',
        'text (default), json (as --json), or nagios: one Monitoring Plugins line, exit 0/1/2/3',
        ['text', 'json', 'nagios'],
      ),
    )
    .addOption(staleAfterOption())
    .option('--all-profiles', 'check every stored profile concurrently')
    .option('-p, --profiles <names>', 'check these profiles (comma-separated)')
    .addOption(utcOption())
    .addHelpText(
      'after',
      examples(
        'cluster status',
        'cluster status --all-profiles',
        'cluster status --json | jq .compiler.healthy',
        'cluster status -p prod,staging || page-someone',
        'cluster status --profile prod --format nagios   (Icinga, Nagios, Sensu)',
      ),
    )
    .action(async (flags: StatusFlags, cmd: Command) => {
      const fleet = fleetChoice(flags);
      // Flags that would point every row at one place are refused before any request.
      if (fleet) fleetInputs(globalFlags(cmd), {}, '');
      const nagios = formatOf(flags) === 'nagios';
      if (nagios && fleet)
        throw usageError(
          '--format nagios checks one instance: drop --all-profiles / -p',
          'one check per profile: `cluster status --profile NAME --format nagios`',
        );
      const opts: StatusOptions = {
        json: formatOf(flags) === 'json',
        staleAfter: flags.staleAfter,
        utc: flags.utc ?? false,
        ...(fleet && { fleet }),
        ...(nagios && { nagios }),
      };
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

/** `--json` is `--format json`; it cannot be combined with another format. */
function formatOf(flags: StatusFlags): StatusFormat {
  if (flags.json && flags.format !== undefined && flags.format !== 'json')
    throw usageError(`--json cannot be combined with --format ${flags.format}`);
  return flags.json ? 'json' : (flags.format ?? 'text');
}

export async function statusRun(opts: StatusOptions, ctx: Context): Promise<number> {
  if (opts.fleet) return fleetRun(opts, opts.fleet, ctx);
  if (opts.nagios) return statusAsCheck(opts.staleAfter, opts.utc, ctx);
  const { io } = ctx;
  const client = await ctx.client();
  let answer: HealthAnswer;
  try {
    answer = await fetchHealth(client, ctx);
  } catch (e) {
    // Before the monitor's first event the instance is starting: a verdict, not a failure.
    if (e instanceof ApiError && e.apiKind === 'no-events') return nothingYet(opts, ctx, e);
    throw e;
  } finally {
    client.close();
  }
  const { body, health, now, legacy } = answer;
  // One read, never two in a row: the limit comes from the flag, this profile's stored period, or the default.
  const limit = resolveStaleLimit(ctx, opts.staleAfter);
  const v = judge(answer.check, { now, staleAfterMs: limit.ms, clockSkewMs: answer.clockSkewMs });
  const code = verdictExit(v.verdict);
  if (opts.json) {
    writeJson(io, body);
    if (v.verdict === 'stale')
      ctx.printer.warn(`the latest check is ${checkAge(v.ageMs ?? 0)} (more than ${limitPhrase(ctx, limit)}): stale`);
    return code;
  }
  const view = { utc: opts.utc, now, columns: io.columns, staleLimit: limitPhrase(ctx, limit), legacy };
  if (io.stdoutIsTTY) io.stdout.write(renderStatusTerminal(health, v, view, await paintKit(io.color)));
  else io.stdout.write(renderStatusPlain(health, v, view));
  return code;
}

/** No event recorded yet: the verdict `starting`, exit 2 (with --json, the server's own answer). */
async function nothingYet(opts: StatusOptions, ctx: Context, e: ApiError): Promise<number> {
  const v = nothingRecorded(NO_EVENTS);
  // --json: no HealthStatus exists yet, so the error object every --json command writes, with this exit code.
  if (opts.json)
    ctx.printer.error({ message: e.message, kind: 'no-events', exitCode: verdictExit(v.verdict) }, { json: true });
  else if (ctx.io.stdoutIsTTY) {
    const view = { utc: opts.utc, now: ctx.clock.now(), columns: ctx.io.columns, staleLimit: '', legacy: false };
    ctx.io.stdout.write(`${statusHeadline(v, view, await paintKit(ctx.io.color))}\n`);
  } else ctx.io.stdout.write(`verdict: ${v.verdict}\nsince: unknown\nreason: ${NO_EVENTS}\n`);
  return verdictExit(v.verdict);
}

async function fleetRun(opts: StatusOptions, fleet: FleetChoice, ctx: Context): Promise<number> {
  const { io } = ctx;
  const names = fleetNames(fleet, ctx.config());
  if (names.length === 0) {
    throw new CliError('no profiles are stored, so there is no fleet to check', {
      hint: 'add one with `cluster login --profile NAME`',
      kind: 'config',
    });
  }
  const ignored = FLEET_IGNORED_ENV.filter((k) => ctx.env[k]);
  if (ignored.length)
    ctx.verbose(`ignoring ${ignored.join(', ')} for the fleet: each row uses its own profile's host and credential`);

  const rows = await checkProfiles(ctx, names, opts.staleAfter);
  const code = fleetExit(rows);
  if (opts.json) {
    writeJson(io, fleetJson(rows));
    return code;
  }
  if (io.stdoutIsTTY)
    io.stdout.write(renderFleetTerminal(rows, { ...(await paintKit(io.color)), columns: io.columns, utc: opts.utc }));
  else io.stdout.write(renderFleetPlain(rows));
  const bad = rows.filter((r) => r.verdict.verdict !== 'healthy').length;
  if (bad && io.stderrIsTTY) ctx.printer.note(`${bad} of ${rows.length} not healthy`);
  return code;
}
