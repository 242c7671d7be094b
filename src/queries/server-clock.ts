/**
 * The "now" that ages and staleness are judged against: the server's `Date` header, so a skewed
 * local clock cannot make a stale answer look fresh. When the server sent none, the local clock,
 * and --verbose says so.
 */
import type { Context } from '../context.js';

export function serverNow(ctx: Pick<Context, 'verbose'>, serverDate: number | undefined): number | undefined {
  if (serverDate === undefined) ctx.verbose('the server sent no usable Date header: judging times by the local clock');
  return serverDate;
}

/** The server's now, else the local clock's. */
export function nowOf(ctx: Pick<Context, 'verbose' | 'clock'>, serverDate: number | undefined): number {
  return serverNow(ctx, serverDate) ?? ctx.clock.now();
}
