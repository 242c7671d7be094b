/**
 * The cluster monitor routes: the event list, one event by id (or `latest`), and
 * `/v0/cluster_healthz`.
 */
import { type Answer, NO_CACHE, ok } from './answer.js';
import { type StoredEvent, selectEvent } from './event.js';
import { invalidUuid, noEventsYet, queryError, unknownEvent } from './feldera-errors.js';
import { parseUuid } from './ids.js';
import type { MonitorModel } from './model.js';
import { parseSelectorQuery, percentDecode } from './query.js';

/** `GET /v0/cluster/events`: every retained event, newest first, statuses only. */
export const eventList = (model: MonitorModel): Answer =>
  ok(
    model.events().map((e) => selectEvent(e, 'status')),
    NO_CACHE,
  );

/** `GET /v0/cluster/events/{id}`: the query is checked before the id, as the framework extracts it first. */
export function clusterEvent(model: MonitorModel, rawId: string, query: string): Answer {
  const q = parseSelectorQuery(query);
  if ('error' in q) return queryError(q.error);
  const found = findEvent(model, percentDecode(rawId, false));
  if ('refusal' in found) return found.refusal;
  return ok(selectEvent(found.event, q.selector), NO_CACHE);
}

function findEvent(model: MonitorModel, idText: string): { event: StoredEvent } | { refusal: Answer } {
  if (idText === 'latest') {
    const event = model.latest();
    return event ? { event } : { refusal: noEventsYet() };
  }
  const parsed = parseUuid(idText);
  if (!parsed.ok) return { refusal: invalidUuid(idText, parsed.error) };
  const event = model.get(parsed.uuid);
  return event ? { event } : { refusal: unknownEvent(parsed.uuid) };
}

/** `GET /v0/cluster_healthz`: 503 while any service is unhealthy. */
export function clusterHealth(model: MonitorModel): Answer {
  const health = model.health();
  if (!health) return noEventsYet();
  return { status: health.all_healthy ? 200 : 503, json: health };
}
