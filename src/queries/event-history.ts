/**
 * Shared by the history commands (list, incidents, timeline): fetch the retained list once, and
 * the "now" everything is judged against (the server's `Date` header, else the local clock).
 */

import { MAX_LIST_EVENTS } from '../api/limits.js';
import type { ClusterEventStatus } from '../api/types.js';
import type { Context } from '../context.js';
import { explainMissingRoute } from './feldera-version.js';
import { nowOf } from './server-clock.js';

export interface Fetched {
  events: ClusterEventStatus[];
  /** The server's now, or ours when it sent no Date header. */
  now: number;
}

export async function fetchEvents(ctx: Context): Promise<Fetched> {
  const client = await ctx.client();
  try {
    const answer = await client.listEvents();
    if (answer.omitted) ctx.printer.warn(omittedWarning(answer.data.length + answer.omitted));
    return { events: answer.data, now: nowOf(ctx, answer.serverDate, client.connection.host) };
  } catch (e) {
    throw await explainMissingRoute(e, client);
  } finally {
    client.close();
  }
}

/** What a list longer than Feldera keeps is cut to, in words (client.ts capEventList). */
export function omittedWarning(sent: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `the server sent ${n(sent)} events, and Feldera keeps at most 1,000: only the newest ${n(MAX_LIST_EVENTS)} are used`;
}

export const NO_EVENTS =
  'no cluster monitor events recorded yet (the monitor records its first one within seconds of the instance starting)';
