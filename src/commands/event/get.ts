/**
 * `cluster event get <id|latest>`: one cluster monitor event — a verdict, a table and the
 * services' reports at a terminal, `key: value` lines in a pipe, the server's object with --json.
 *
 * `latest`, full ids and (with the status selector) prefixes cost one request. It is the command
 * scripts run in loops, benchmarked against `node -e 0`: the table library and chalk are loaded
 * only for terminal output.
 */
import { Command } from 'commander';
import type { ClusterEvent, Selector } from '../../api/types.js';
import type { Context } from '../../context.js';
import type { EventIdSpec } from '../../domain/event-id.js';
import type { StaleAfterSpec, StaleLimit } from '../../domain/staleness.js';
import { type ClusterVerdict, judgeEvent, verdictExit } from '../../domain/verdict.js';
import { EXIT } from '../../errors.js';
import { resolveEvent } from '../../queries/event-lookup.js';
import { explainMissingRoute } from '../../queries/feldera-version.js';
import { serverClock } from '../../queries/server-clock.js';
import { limitPhrase, resolveStaleLimit } from '../../queries/stale-limit.js';
import { renderEvent, staleExplanation } from '../../render/event.js';
import { writeJson } from '../../render/json.js';
import { formatTimestamp } from '../../render/time.js';
import type { Factory, Run } from '../factory.js';
import { eventIdArgument, examples, jsonOption, selectorOption, staleAfterOption, utcOption } from '../flags.js';

export interface GetOptions {
  id: EventIdSpec;
  selector: Selector;
  json: boolean;
  utc: boolean;
  staleAfter: StaleAfterSpec;
  exitStatus: boolean;
}

interface GetFlags {
  selector: Selector;
  json?: boolean;
  utc?: boolean;
  staleAfter: StaleAfterSpec;
  exitStatus?: boolean;
}

export function newCmdGet(f: Factory, runF: Run<GetOptions> = getRun): Command {
  return new Command('get')
    .description('show one event: `latest`, a UUID, or a unique id prefix (8+ hex characters)')
    .argument('<id>', 'latest | UUID | id prefix', eventIdArgument)
    .addOption(selectorOption())
    .addOption(jsonOption("print the server's JSON object"))
    .addOption(utcOption())
    .addOption(staleAfterOption())
    .option('--exit-status', 'exit 2 when not all healthy, 3 when latest is stale')
    .addHelpText(
      'after',
      examples(
        'cluster event get latest',
        'cluster event get 0193a5c2 --selector all',
        'cluster event get latest --json | jq .all_healthy',
      ),
    )
    .action(async (id: EventIdSpec, flags: GetFlags, cmd: Command) => {
      const opts: GetOptions = {
        id,
        selector: flags.selector,
        json: flags.json ?? false,
        utc: flags.utc ?? false,
        staleAfter: flags.staleAfter,
        exitStatus: flags.exitStatus ?? false,
      };
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

/** Warnings for stderr: staleness (with the limit and where it came from), a flag that disagrees with the statuses. */
export function warningsFor(v: ClusterVerdict, limit: string): string[] {
  const out: string[] = [];
  if (v.verdict === 'stale') out.push(staleExplanation(v, limit));
  if (v.mismatch) out.push(`${v.mismatch}; treating the event as not healthy`);
  return out;
}

/** The exit code for a retrieved event: 0, or with --exit-status the verdict's (2 not all healthy, 3 stale). */
export function exitCodeFor(v: ClusterVerdict, exitStatus: boolean): number {
  return exitStatus ? verdictExit(v.verdict) : EXIT.OK;
}

/** The event asked for and the server's Date of the answer that brought it. */
async function fetchEvent(
  opts: GetOptions,
  ctx: Context,
): Promise<{ event: ClusterEvent; serverDate: number | undefined }> {
  const client = await ctx.client();
  try {
    const resolved = await resolveEvent(client, opts.id, {
      warn: (m) => ctx.printer.warn(m),
      formatTime: (t) => {
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? t : formatTimestamp(ms, opts.utc);
      },
    });
    if (opts.id.kind === 'prefix') ctx.verbose(`id prefix ${opts.id.text} is event ${resolved.id}`);
    // The list already carries the status form of the event: no second request.
    if (resolved.listed && opts.selector === 'status')
      return { event: resolved.listed, serverDate: resolved.serverDate };
    const answer = await client.getEvent(resolved.id, opts.selector);
    return { event: answer.data, serverDate: answer.serverDate };
  } catch (e) {
    throw await explainMissingRoute(e, client);
  } finally {
    client.close();
  }
}

export async function getRun(opts: GetOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const { event, serverDate } = await fetchEvent(opts, ctx);
  // Never a request to learn: the limit comes from the flag, the stored period, or the default.
  const limit: StaleLimit = resolveStaleLimit(ctx, opts.staleAfter);
  const clock = serverClock(ctx, serverDate, ctx.connection().host);
  const v = judgeEvent(event, {
    now: clock.now,
    clockSkewMs: clock.skewMs,
    staleAfterMs: opts.id.kind === 'latest' ? limit.ms : undefined,
  });
  const phrase = limitPhrase(ctx, limit);
  if (opts.json) writeJson(io, event);
  else io.stdout.write(await renderEvent(event, v, { utc: opts.utc, columns: io.columns, limit: phrase }, io));
  // At a terminal the heading has said it all; a pipe or --json gets the warnings on stderr.
  if (opts.json || !io.stdoutIsTTY) for (const w of warningsFor(v, phrase)) ctx.printer.warn(w);
  return exitCodeFor(v, opts.exitStatus);
}
