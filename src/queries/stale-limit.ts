/**
 * `--stale-after` resolved into the limit a command judges by, in one place for `event get`,
 * `event list`, `incidents`, `timeline`, `watch` and `status` (the rule: domain/staleness.ts).
 *
 * With `auto`, a command that has the event history in hand learns the instance's healthy period
 * from it and stores it (config/state.ts) for this profile, or this host without one; a command
 * that makes a single request uses what was stored, else the default. --verbose says which limit
 * was used and where it came from.
 */
import type { ClusterEventStatus } from '../api/types.js';
import { type Connection, normaliseHost } from '../config/connection.js';
import { periodKey, statePath, storedPeriod, storePeriod } from '../config/state.js';
import type { Context } from '../context.js';
import {
  describeLimit,
  fixedLimit,
  learnHealthyPeriod,
  limitForPeriod,
  STALE_DEFAULT_MS,
  type StaleAfterSpec,
  type StaleLimit,
} from '../domain/staleness.js';

/** A stored period is written again when it moved by this much, or is this old. */
const REWRITE_DIFF_MS = 1000;
const REWRITE_AGE_MS = 3_600_000;

type Ctx = Pick<Context, 'env' | 'clock' | 'verbose' | 'connection'>;

function keyOf(conn: Connection): { key: string; host: string } {
  let profileHost: string | undefined;
  try {
    profileHost = conn.profile ? normaliseHost(conn.profile.host) : undefined;
  } catch {
    profileHost = undefined; // a profile with a broken host cannot be the one in use
  }
  return { key: periodKey({ host: conn.host, profileName: conn.profileName, profileHost }), host: conn.host };
}

function remember(ctx: Ctx, conn: Connection, periodMs: number, samples: number): void {
  const { key, host } = keyOf(conn);
  const now = ctx.clock.now();
  const old = storedPeriod(ctx.env, key, host);
  if (old && Math.abs(old.period_ms - periodMs) < REWRITE_DIFF_MS && now - Date.parse(old.learned_at) < REWRITE_AGE_MS)
    return;
  try {
    storePeriod(ctx.env, key, { host, period_ms: periodMs, samples, learned_at: new Date(now).toISOString() });
  } catch (e) {
    ctx.verbose(
      `could not store the learned healthy period in ${statePath(ctx.env)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/** The period an earlier history-reading run stored for this connection, as a limit. */
function fromStore(ctx: Ctx, conn: Connection): StaleLimit | undefined {
  const { key, host } = keyOf(conn);
  const e = storedPeriod(ctx.env, key, host);
  if (!e) return undefined;
  const learnedAt = Date.parse(e.learned_at);
  return {
    ms: limitForPeriod(e.period_ms),
    source: 'stored',
    periodMs: e.period_ms,
    samples: e.samples,
    ...(!Number.isNaN(learnedAt) && { learnedAt }),
  };
}

/** Learn from `history` when it teaches something (and store it), else what is stored, else the default. */
function autoLimit(ctx: Ctx, conn: Connection, history: readonly ClusterEventStatus[] | undefined): StaleLimit {
  if (history) {
    const learned = learnHealthyPeriod(history);
    if (learned.periodMs !== undefined) {
      remember(ctx, conn, learned.periodMs, learned.samples);
      return {
        ms: limitForPeriod(learned.periodMs),
        source: 'learned',
        periodMs: learned.periodMs,
        samples: learned.samples,
      };
    }
    return fromStore(ctx, conn) ?? { ms: STALE_DEFAULT_MS, source: 'default', samples: learned.samples };
  }
  return fromStore(ctx, conn) ?? { ms: STALE_DEFAULT_MS, source: 'default' };
}

/**
 * The limit for this run. `history`: the retained event list, when the command read it anyway.
 * `connection`: the one the answer came from (a fleet row's), default the command's.
 */
export function resolveStaleLimit(
  ctx: Ctx,
  spec: StaleAfterSpec,
  opts: { history?: readonly ClusterEventStatus[]; connection?: Connection } = {},
): StaleLimit {
  const limit =
    spec.kind === 'fixed' ? fixedLimit(spec.ms) : autoLimit(ctx, opts.connection ?? ctx.connection(), opts.history);
  ctx.verbose(`stale after ${describeLimit(limit, ctx.clock.now())}`);
  return limit;
}

/** A limit that a long-running command refines from every event list it reads (watch). */
export interface FollowedLimit {
  current(): StaleLimit;
  learn(history: readonly ClusterEventStatus[]): void;
}

export function followStaleLimit(ctx: Ctx, spec: StaleAfterSpec, connection?: Connection): FollowedLimit {
  let limit = resolveStaleLimit(ctx, spec, { connection });
  let storedAt = -Infinity;
  return {
    current: () => limit,
    learn(history) {
      if (spec.kind !== 'auto') return;
      const learned = learnHealthyPeriod(history);
      if (learned.periodMs === undefined) return; // nothing new: the limit and state.json stay as they are
      const next: StaleLimit = {
        ms: limitForPeriod(learned.periodMs),
        source: 'learned',
        periodMs: learned.periodMs,
        samples: learned.samples,
      };
      const now = ctx.clock.now();
      // state.json is touched when the period moved, or once an hour, not on every list the watch reads.
      const moved = limit.periodMs === undefined || Math.abs(limit.periodMs - learned.periodMs) >= REWRITE_DIFF_MS;
      if (moved || now - storedAt >= REWRITE_AGE_MS) {
        remember(ctx, connection ?? ctx.connection(), learned.periodMs, learned.samples);
        storedAt = now;
      }
      if (limit.source !== 'learned' || next.ms !== limit.ms) ctx.verbose(`stale after ${describeLimit(next, now)}`);
      limit = next;
    },
  };
}

/** "more than …" of a stale message: the limit and where it came from. */
export function limitPhrase(ctx: Pick<Context, 'clock'>, limit: StaleLimit): string {
  return describeLimit(limit, ctx.clock.now());
}
