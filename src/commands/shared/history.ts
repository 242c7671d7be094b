/**
 * Shared by the history commands: read and validate the window flags before any request, fetch
 * the retained list once, and decide the "now" everything is judged against (the server's
 * `Date` header, else the local clock).
 */
import type { ClusterEventStatus } from '../../api/types.js';
import type { Context } from '../../context.js';

export interface Fetched {
  events: ClusterEventStatus[];
  /** The server's now, or ours when it sent no Date header. */
  now: number;
}

export async function fetchEvents(ctx: Context): Promise<Fetched> {
  const client = await ctx.client();
  try {
    const answer = await client.listEvents();
    if (answer.serverDate === undefined) ctx.verbose('the server sent no usable Date header: judging times by the local clock');
    return { events: answer.data, now: answer.serverDate ?? ctx.clock.now() };
  } finally {
    client.close();
  }
}

/** One line on stderr, for empty results and notes (never on stdout, so --json stays JSON). */
export function note(ctx: Context, line: string): void {
  ctx.io.stderr.write(line + '\n');
}

export function warn(ctx: Context, line: string): void {
  const paint = ctx.io.colorErr ? (s: string) => `\u001b[33m${s}\u001b[39m` : (s: string) => s;
  ctx.io.stderr.write(`${paint('warning:')} ${line}\n`);
}

export const NO_EVENTS = 'no cluster monitor events recorded yet (the monitor records its first one within seconds of the instance starting)';
