/**
 * The "now" that ages and staleness are judged against: the server's `Date` header, so a skewed
 * local clock cannot make a stale answer look fresh — unless it is further from the local clock
 * than clocks differ (domain/staleness.ts judgeClock), when it is not believed: a `Date` that lies
 * must not make a stopped recorder look fresh either. Then the local clock is used, and a warning
 * says so once per run and host. When the server sent no Date, the local clock, and --verbose
 * says so.
 */
import type { Context } from '../context.js';
import { describeSkew, type JudgedClock, judgeClock, trustsServerClock } from '../domain/staleness.js';

type ClockContext = Pick<Context, 'verbose' | 'clock'> & Partial<Pick<Context, 'printer' | 'env'>>;

/** Hosts whose clock has been warned about, per run (its printer). */
const warned = new WeakMap<object, Set<string>>();

/** The server's now (or the local clock's), and whether the server's was believed; says what it decided. */
export function serverClock(ctx: ClockContext, serverDate: number | undefined, host = ''): JudgedClock {
  const c = judgeClock(serverDate, ctx.clock.now(), trustsServerClock(ctx.env ?? {}));
  if (serverDate === undefined) ctx.verbose('the server sent no usable Date header: judging times by the local clock');
  else if (c.skewMs !== undefined) {
    const text = describeSkew(c.skewMs, host || undefined);
    const key = ctx.printer ?? ctx;
    const hosts = warned.get(key) ?? new Set<string>();
    warned.set(key, hosts);
    if (ctx.printer && !hosts.has(host)) ctx.printer.warn(text);
    else ctx.verbose(text);
    hosts.add(host);
  }
  return c;
}

/** The server's now, else the local clock's. */
export function nowOf(ctx: ClockContext, serverDate: number | undefined, host?: string): number {
  return serverClock(ctx, serverDate, host).now;
}
