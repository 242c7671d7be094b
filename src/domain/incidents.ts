/**
 * Incidents: the runs of consecutive non-healthy events of one service.
 *
 * The rule: a status holds from the event that reported it until the next event. So an
 * incident starts at the first event that reports the service not `Healthy` and ends at the
 * next event that reports it `Healthy` again; when no such event follows, it is ongoing and
 * lasts until now. Its worst status is `Unhealthy` if any of its events says so, else
 * `InitialUnhealthy`.
 *
 * An incident that covers the oldest retained event may have started earlier: the events
 * before it were deleted by retention (72 h / 1000 events). It is marked `beganBeforeWindow`.
 *
 * How exact the times are: Feldera records a change of the overall verdict (all healthy or not)
 * in the round it happens, but a change of one service while the cluster is already unhealthy
 * waits for the next back-off insert (after 1, 2, 4 … up to 60 rounds: up to ~10 minutes late).
 * So a start whose previous event was already not all healthy, and an end whose event is still
 * not all healthy, happened at some moment after the event before; `startPrecisionMs` /
 * `endPrecisionMs` say how long that window is (undefined: recorded within its round).
 *
 * A start after a recorder gap is no more exact: Feldera always records the first round after a
 * restart, so when the event before it was all healthy and older than a healthy cluster leaves
 * between two events (`gapMs`, the stale limit), the recorder was down and the outage began
 * anywhere in the gap (`startAfterGap`, with the gap as `startPrecisionMs`).
 */
import { type ClusterEventStatus, type MonitorStatus, SERVICES, type Service } from '../api/types.js';
import { chronological } from './history.js';
import { isAllHealthy, severity } from './verdict.js';

export interface Incident {
  service: Service;
  /** `Unhealthy` or `InitialUnhealthy`. */
  worst: Exclude<MonitorStatus, 'Healthy'>;
  startedAt: number;
  /** The server's `recorded_at` text of the first non-healthy event. */
  startedAtText: string;
  /** When the service was next reported healthy; undefined while ongoing. */
  endedAt: number | undefined;
  endedAtText: string | undefined;
  ongoing: boolean;
  /** `endedAt - startedAt`, or `now - startedAt` while ongoing. */
  durationMs: number;
  /** Number of non-healthy events in the run. */
  events: number;
  firstEventId: string;
  lastEventId: string;
  /** The event that reported it healthy again. */
  endEventId: string | undefined;
  /** The run includes the oldest retained event: it may have started earlier. */
  beganBeforeWindow: boolean;
  /** The start was recorded at a back-off insert or after a recorder gap: it happened up to this long before `startedAt`. */
  startPrecisionMs: number | undefined;
  /** The start follows a recorder gap: the outage began somewhere in it. */
  startAfterGap: boolean;
  /** The end was recorded at a back-off insert: it happened up to this long before `endedAt`. */
  endPrecisionMs: number | undefined;
}

/** How imprecise a start is: recorded at a back-off insert (the cluster was already unhealthy), or after a recorder gap. */
function startPrecision(
  before: { e: ClusterEventStatus; at: number } | undefined,
  at: number,
  gapMs: number,
): { startPrecisionMs: number | undefined; startAfterGap: boolean } {
  if (!before) return { startPrecisionMs: undefined, startAfterGap: false };
  if (!isAllHealthy(before.e)) return { startPrecisionMs: at - before.at, startAfterGap: false };
  const gap = at - before.at > gapMs;
  return { startPrecisionMs: gap ? at - before.at : undefined, startAfterGap: gap };
}

/**
 * All incidents of the given services, newest first (by start; ties in service order). `gapMs`:
 * longer than this between an all-healthy event and the next is a recorder gap (the stale limit).
 */
export function groupIncidents(
  events: readonly ClusterEventStatus[],
  now: number,
  services: readonly Service[] = SERVICES,
  gapMs = Infinity,
): Incident[] {
  const asc = chronological(events);
  const out: Incident[] = [];
  for (const service of services) {
    let open: Incident | undefined;
    asc.forEach((t, i) => {
      const status = t.e[`${service}_status`];
      const before = asc[i - 1];
      if (status === 'Healthy') {
        if (open) {
          open.endedAt = t.at;
          open.endedAtText = t.e.recorded_at;
          open.endEventId = t.e.id;
          open.ongoing = false;
          open.durationMs = t.at - open.startedAt;
          open.endPrecisionMs = before && !isAllHealthy(t.e) ? t.at - before.at : undefined;
          out.push(open);
          open = undefined;
        }
        return;
      }
      if (!open) {
        open = {
          service,
          worst: status,
          startedAt: t.at,
          startedAtText: t.e.recorded_at,
          endedAt: undefined,
          endedAtText: undefined,
          ongoing: true,
          durationMs: 0,
          events: 0,
          firstEventId: t.e.id,
          lastEventId: t.e.id,
          endEventId: undefined,
          beganBeforeWindow: i === 0,
          ...startPrecision(before, t.at, gapMs),
          endPrecisionMs: undefined,
        };
      }
      open.events++;
      open.lastEventId = t.e.id;
      if (severity(status) > severity(open.worst)) open.worst = status;
    });
    if (open) {
      open.durationMs = Math.max(0, now - open.startedAt);
      out.push(open);
    }
  }
  const order = (s: Service) => SERVICES.indexOf(s);
  return out.sort((a, b) => b.startedAt - a.startedAt || order(a.service) - order(b.service));
}

/** Incidents that overlap [since, until] (either bound optional); an ongoing one lasts until `now`. */
export function incidentsInWindow(
  incidents: readonly Incident[],
  since: number | undefined,
  until: number | undefined,
  now: number,
): Incident[] {
  return incidents.filter((x) => {
    const end = x.endedAt ?? now;
    return (since === undefined || end >= since) && (until === undefined || x.startedAt <= until);
  });
}

/** The `--json` shape of an incident (snake_case like the server's fields; times as the server wrote them). */
export interface IncidentJson {
  service: Service;
  worst_status: string;
  started_at: string;
  ended_at: string | null;
  ongoing: boolean;
  duration_seconds: number;
  events: number;
  first_event_id: string;
  last_event_id: string;
  end_event_id: string | null;
  began_before_window: boolean;
  /** The change was recorded at a back-off insert or after a recorder gap: it happened up to this many seconds before `started_at`; null: within its round. */
  start_precision_seconds: number | null;
  /** The start follows a recorder gap (nothing recorded for longer than a healthy cluster leaves): the outage began somewhere in it. */
  start_after_gap: boolean;
  /** Likewise for `ended_at`. */
  end_precision_seconds: number | null;
}

export function incidentJson(x: Incident): IncidentJson {
  return {
    service: x.service,
    worst_status: x.worst,
    started_at: x.startedAtText,
    ended_at: x.endedAtText ?? null,
    ongoing: x.ongoing,
    duration_seconds: x.durationMs / 1000,
    events: x.events,
    first_event_id: x.firstEventId,
    last_event_id: x.lastEventId,
    end_event_id: x.endEventId ?? null,
    began_before_window: x.beganBeforeWindow,
    start_precision_seconds: x.startPrecisionMs === undefined ? null : x.startPrecisionMs / 1000,
    start_after_gap: x.startAfterGap,
    end_precision_seconds: x.endPrecisionMs === undefined ? null : x.endPrecisionMs / 1000,
  };
}
