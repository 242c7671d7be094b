/**
 * `cluster event get <id|latest>`: one cluster monitor event — a verdict, a table and the
 * services' reports at a terminal, `key: value` lines in a pipe, the server's object with --json.
 *
 * Lean on purpose (it is the command people run most, and it is benchmarked against `node -e 0`):
 * `latest`, full ids and (with the status selector) prefixes cost one request; chalk and cli-table3 are loaded only for terminal
 * output, the event renderer not at all for --json.
 */
import { parseEventId } from '../../domain/event-id.js';
import { resolveEvent } from '../shared/resolve-event.js';
import type { ClusterEvent, Selector } from '../../api/types.js';
import type { Context } from '../../context.js';
import { EXIT, usageError } from '../../errors.js';
import { assessEvent, type Assessment } from '../../domain/assess.js';
import { parseStaleAfter } from '../../domain/verdict.js';
import { renderEvent } from '../../render/event.js';
import { writeJson } from '../../render/json.js';
import { formatTimestamp } from '../../render/time.js';
import { formatDuration } from '../../util/duration.js';

export interface GetOptions {
  selector?: string;
  json?: boolean;
  utc?: boolean;
  staleAfter?: string;
  exitStatus?: boolean;
}

function parseSelector(value: string | undefined): Selector {
  const v = value ?? 'status';
  if (v === 'status' || v === 'all') return v;
  throw usageError(`invalid --selector "${v}": expected status or all`);
}

/** Warnings for stderr: staleness, a flag that disagrees with the statuses, an age judged by the local clock. */
export function warningsFor(a: Assessment): string[] {
  const out: string[] = [];
  if (a.stale) {
    out.push(
      `the latest event is ${formatDuration(a.ageMs)} old (more than --stale-after ${formatDuration(a.staleAfterMs)}): ` +
        'the monitor has stopped recording, so current health is unknown',
    );
  }
  if (a.mismatch) out.push(`${a.mismatch}; treating the event as not healthy`);
  return out;
}

/** The exit code for a retrieved event: 0, or with --exit-status 2 (not all healthy) / 3 (stale). */
export function exitCodeFor(a: Assessment, exitStatus: boolean): number {
  if (!exitStatus) return EXIT.OK;
  if (!a.healthy) return EXIT.UNHEALTHY;
  if (a.stale) return EXIT.STALE;
  return EXIT.OK;
}

export async function run(opts: GetOptions & Record<string, unknown>, ctx: Context, args: string[]): Promise<number> {
  // Everything that can be a usage error is checked before any request.
  const spec = parseEventId(args[0] ?? '');
  const selector = parseSelector(opts.selector);
  const staleAfterMs = parseStaleAfter(opts.staleAfter);
  const utc = Boolean(opts.utc);
  const { io } = ctx;

  const client = await ctx.client();
  let event: ClusterEvent;
  let serverDate: number | undefined;
  try {
    const resolved = await resolveEvent(client, spec, {
      formatTime: (t) => {
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? t : formatTimestamp(ms, utc);
      },
    });
    if (spec.kind === 'prefix') ctx.verbose(`id prefix ${spec.text} is event ${resolved.id}`);
    if (resolved.listed && selector === 'status') {
      // The list already carries the status form of the event: no second request.
      event = resolved.listed;
      serverDate = resolved.serverDate;
    } else {
      const answer = await client.getEvent(resolved.id, selector);
      event = answer.data;
      serverDate = answer.serverDate;
    }
  } finally {
    client.close();
  }

  const localNow = ctx.clock.now();
  if (serverDate === undefined) ctx.verbose('the server sent no usable Date header: judging the age by the local clock');
  const a = assessEvent(event, { latest: spec.kind === 'latest', serverNow: serverDate, localNow, staleAfterMs });

  if (opts.json) {
    writeJson(io, event);
  } else {
    io.stdout.write(await renderEvent(event, a, { utc, columns: io.columns }, io));
  }
  const warnings = warningsFor(a);
  if (warnings.length) {
    const paint = io.colorErr ? (s: string) => `\u001b[33m${s}\u001b[39m` : (s: string) => s;
    for (const w of warnings) io.stderr.write(`${paint('warning:')} ${w}\n`);
  }
  return exitCodeFor(a, Boolean(opts.exitStatus));
}
