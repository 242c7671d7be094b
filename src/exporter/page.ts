/**
 * The exporter's status page (`GET /` from a browser): every instance it knows — the ones it was
 * started with and the ones probed lately — rendered by render/status-page.ts. It costs Feldera
 * nothing extra: the verdicts come from the exporter's cache (one read per instance per
 * `--min-interval`, shared with the scrapes), and each instance's history (the event list, for its
 * incidents and its 72-hour strips) is read at most once a minute, only when someone looks.
 * A client that does not ask for HTML (curl, a script) gets the plain-text index instead.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from '../context.js';
import { groupIncidents } from '../domain/incidents.js';
import { AUTO } from '../domain/staleness.js';
import { buildTimeline, RETENTION_MS } from '../domain/timeline.js';
import { explainMissingRoute } from '../queries/feldera-version.js';
import { nowOf } from '../queries/server-clock.js';
import { resolveStaleLimit } from '../queries/stale-limit.js';
import { type PageInstance, pageCsp, renderStatusPage } from '../render/status-page.js';
import { createReadCache } from './cache.js';
import type { Prober, ProbeTarget } from './probe.js';
import type { Reply } from './server.js';

/** The history of an instance is read at most this often. */
export const HISTORY_INTERVAL_MS = 60_000;
/** Cells of a 72-hour strip: one per hour. */
const STRIP_CELLS = 72;

type History = NonNullable<PageInstance['history']>;

/** The last 72 hours of one instance: its incidents and timeline, from one event list. */
async function readHistory(ctx: Context, t: ProbeTarget): Promise<History> {
  let client: Awaited<ReturnType<Context['client']>> | undefined;
  try {
    const connection = { ...t.connect(), retries: 0 };
    client = await ctx.client({ connection, retryBudgetMs: connection.timeoutMs, progress: undefined });
    const answer = await client.listEvents().catch(async (e: unknown) => {
      throw await explainMissingRoute(e, client!);
    });
    const now = nowOf({ ...ctx, verbose: () => {} }, answer.serverDate);
    // The instance's stale limit, learned from this very history (and remembered for its profile).
    const limit = resolveStaleLimit({ ...ctx, verbose: () => {} }, AUTO, { history: answer.data, connection });
    const start = now - RETENTION_MS;
    const timeline = buildTimeline(answer.data, { start, end: now, cells: STRIP_CELLS, staleAfterMs: limit.ms, now });
    return { incidents: groupIncidents(answer.data, now, undefined, limit.ms), timeline };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    client?.close();
  }
}

export interface StatusPage {
  /** The route: HTML for a browser, the plain index for anyone else. */
  route(req: IncomingMessage): Promise<Reply>;
}

export function createStatusPage(
  ctx: Context,
  o: { prober: Prober; targets: readonly ProbeTarget[]; index: string; refreshSeconds: number },
): StatusPage {
  const histories = createReadCache<History>(HISTORY_INTERVAL_MS, ctx.clock);
  return {
    async route(req) {
      if (!/text\/html/i.test(req.headers.accept ?? '')) return { status: 200, body: o.index };
      // The instances it was started with, then those probed lately (each once).
      const byKey = new Map<string, ProbeTarget>();
      for (const t of [...o.targets, ...o.prober.known()]) if (!byKey.has(t.key)) byKey.set(t.key, t);
      const targets = [...byKey.values()];
      const [rows, history] = await Promise.all([
        o.prober.rows(targets, undefined),
        Promise.all(targets.map((t) => histories.get(t.key, () => readHistory(ctx, t)))),
      ]);
      const instances: PageInstance[] = rows.map((r, i) => ({ row: r.row, history: history[i]!.value }));
      const body = renderStatusPage(instances, { now: ctx.clock.now(), refreshSeconds: o.refreshSeconds, utc: false });
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': pageCsp(),
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        },
        body,
      };
    },
  };
}
