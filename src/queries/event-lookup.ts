/**
 * Resolving what `parseEventId` parsed: `latest` and full ids are requested as they are; a prefix
 * is matched against the retained event list (`GET /v0/cluster/events`).
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { ClusterEventStatus } from '../api/types.js';
import { type EventIdSpec, matchPrefix } from '../domain/event-id.js';
import { isAllHealthy } from '../domain/verdict.js';
import { CliError } from '../errors.js';
import { omittedWarning } from './event-history.js';

export interface ResolveOptions {
  /** How a candidate's `recorded_at` is shown in the "ambiguous" message. Default: as sent. */
  formatTime?: (recordedAt: string) => string;
  /** At most this many candidates are listed (default 10). */
  maxCandidates?: number;
  /** Told when the list was cut to its newest events (queries/event-history.ts omittedWarning). */
  warn?: (message: string) => void;
}

export const RETENTION_HINT =
  'events are kept for 72 h and at most the 1000 newest; list what is left with `cluster event list`';

export interface Resolved {
  /** The id to request: `latest` or a canonical UUID. */
  id: string;
  /** For a prefix: the matching entry of the event list (the status fields, as the server sent them). */
  listed?: ClusterEventStatus;
  /** For a prefix: the server's Date header on the list answer. */
  serverDate?: number;
}

/**
 * What to request for a parsed spec: `latest` and full UUIDs as they are (no request); a prefix
 * through the event list. No match: an `unknown-event` error that explains retention; several:
 * an `ambiguous-id` error listing them with their times.
 */
export async function resolveEvent(
  client: Pick<ClusterClient, 'listEvents'>,
  spec: EventIdSpec,
  opts: ResolveOptions = {},
): Promise<Resolved> {
  if (spec.kind === 'latest') return { id: 'latest' };
  if (spec.kind === 'uuid') return { id: spec.id };
  const answer = await client.listEvents();
  if (answer.omitted) opts.warn?.(omittedWarning(answer.data.length + answer.omitted));
  const found = matchPrefix(answer.data, spec.hex);
  if (found.length === 1) return { id: found[0]!.id, listed: found[0]!, serverDate: answer.serverDate };
  if (found.length === 0) {
    const none = answer.data.length === 0;
    throw new ApiError(
      'unknown-event',
      `no retained event id starts with ${spec.text}${none ? ' (the server has no events recorded)' : ''}`,
      {
        endpoint: '/v0/cluster/events',
        hint: RETENTION_HINT,
        serverDate: answer.serverDate,
      },
    );
  }
  const max = opts.maxCandidates ?? 10;
  const fmt = opts.formatTime ?? ((t: string) => t);
  const rows = found
    .slice(0, max)
    .map((e) => `  ${e.id}  ${fmt(e.recorded_at)}  ${isAllHealthy(e) ? 'healthy' : 'unhealthy'}`);
  if (found.length > max) rows.push(`  … and ${found.length - max} more`);
  throw new CliError(`event id prefix ${spec.text} is ambiguous: ${found.length} events match\n${rows.join('\n')}`, {
    hint: 'give more characters of the id',
    kind: 'ambiguous-id',
  });
}
