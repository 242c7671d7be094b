/**
 * The timeline: what each service's status was over a window of time, cut into equal slices,
 * and how available it was.
 *
 * Rules (the README states them too):
 * - A status holds from its event until the next event (or until `now` for the latest).
 * - Time before the first retained event is unknown.
 * - An all-healthy event is trusted for `staleAfter` after it: a healthy cluster records an event
 *   once per healthy period, so an all-healthy stretch with no event for longer than that means
 *   the recorder was not running; the rest of the stretch is unknown, for every service. While the
 *   cluster is not all healthy, Feldera records with back-off (10 s, 20 s, … up to every 60
 *   rounds) and a timing-out check adds 5 s per round, so up to 25 minutes between events is
 *   normal and not missing data; a stretch longer than the longest back-off gap (`BACKOFF_GAP_MS`,
 *   or the stale limit where that is longer: slow rounds lengthen both) is cut there too — the
 *   recorder died while the cluster was unhealthy, and the hours after are unknown, not unhealthy.
 * - Unknown time counts neither as healthy nor as unhealthy: availability = healthy / known.
 * - A slice shows the worst status that holds at any moment inside it, ranked
 *   Unhealthy > InitialUnhealthy > Unknown > Healthy, so a short outage or gap is never hidden;
 *   and how much of the slice that status holds (its share), so a slice unhealthy for a minute of
 *   ten is not drawn as one unhealthy all through.
 * - Slices are half-open [start, end): an event exactly on a border belongs to the later slice.
 */
import { type ClusterEventStatus, type MonitorStatus, SERVICES, type Service } from '../api/types.js';
import { chronological, type Timed } from './history.js';
import { groupIncidents, incidentsInWindow } from './incidents.js';
import { isAllHealthy } from './verdict.js';

export type CellStatus = MonitorStatus | 'Unknown';

/** The longest gap Feldera's back-off leaves while not all healthy: 60 rounds of 10 s plus three 5 s timeouts. */
export const BACKOFF_GAP_MS = 60 * (10_000 + 3 * 5_000);

export const CELL_RANK: Record<CellStatus, number> = { Healthy: 0, Unknown: 1, InitialUnhealthy: 2, Unhealthy: 3 };

export function worse(a: CellStatus, b: CellStatus): CellStatus {
  return CELL_RANK[b] > CELL_RANK[a] ? b : a;
}

/** A stretch of time [start, end) with one status. */
export interface Segment {
  start: number;
  end: number;
  status: CellStatus;
}

/** The segments of one service covering exactly [windowStart, windowEnd), in order, merged where adjacent and equal. */
export function serviceSegments(
  asc: readonly Timed[],
  service: Service,
  windowStart: number,
  windowEnd: number,
  staleAfterMs: number,
): Segment[] {
  const raw: Segment[] = [];
  if (windowEnd <= windowStart) return [];
  const firstAt = asc[0]?.at ?? windowEnd;
  raw.push({ start: -Infinity, end: firstAt, status: 'Unknown' });
  // How long an event's statuses are trusted without a next one (see the module comment).
  const trusted = (e: ClusterEventStatus) => (isAllHealthy(e) ? staleAfterMs : Math.max(BACKOFF_GAP_MS, staleAfterMs));
  asc.forEach((t, i) => {
    const next = asc[i + 1]?.at ?? Math.max(windowEnd, t.at);
    const status = t.e[`${service}_status`];
    const limit = trusted(t.e);
    if (next - t.at > limit) {
      raw.push({ start: t.at, end: t.at + limit, status });
      raw.push({ start: t.at + limit, end: next, status: 'Unknown' });
    } else {
      raw.push({ start: t.at, end: next, status });
    }
  });
  const out: Segment[] = [];
  for (const s of raw) {
    const start = Math.max(s.start, windowStart);
    const end = Math.min(s.end, windowEnd);
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last && last.status === s.status && last.end === start) last.end = end;
    else out.push({ start, end, status: s.status });
  }
  return out;
}

/**
 * Cut [windowStart, windowEnd) into `cells` equal slices; each gets the worst status of the
 * segments that overlap it. Integer arithmetic on the slice index keeps borders exact.
 */
export function sliceSegments(
  segments: readonly Segment[],
  windowStart: number,
  windowEnd: number,
  cells: number,
): CellStatus[] {
  const out: CellStatus[] = new Array<CellStatus>(cells).fill('Healthy');
  const covered = new Array<boolean>(cells).fill(false);
  const span = windowEnd - windowStart;
  if (span <= 0 || cells <= 0) return out.map(() => 'Unknown');
  for (const s of segments) {
    if (s.end <= s.start) continue;
    const first = Math.max(0, Math.floor(((s.start - windowStart) * cells) / span));
    const last = Math.min(cells - 1, Math.ceil(((s.end - windowStart) * cells) / span) - 1);
    for (let i = first; i <= last; i++) {
      out[i] = covered[i] ? worse(out[i]!, s.status) : s.status;
      covered[i] = true;
    }
  }
  return out.map((c, i) => (covered[i] ? c : 'Unknown'));
}

/**
 * How much of each slice its status (`statuses`, from sliceSegments) holds: 1 when nothing else
 * touches the slice, else its part of the slice's time, strictly between 0 and 1 (rounded to
 * 0.001, never to 0 or 1, so a partial slice always reads as partial). Slices are the same
 * half-open, integer-indexed slices as sliceSegments'.
 */
export function sliceShares(
  segments: readonly Segment[],
  statuses: readonly CellStatus[],
  windowStart: number,
  windowEnd: number,
): number[] {
  const cells = statuses.length;
  const span = windowEnd - windowStart;
  const held = new Array<number>(cells).fill(0);
  const mixed = new Array<boolean>(cells).fill(false);
  if (span <= 0 || cells <= 0) return statuses.map(() => 1);
  for (const s of segments) {
    if (s.end <= s.start) continue;
    const first = Math.max(0, Math.floor(((s.start - windowStart) * cells) / span));
    const last = Math.min(cells - 1, Math.ceil(((s.end - windowStart) * cells) / span) - 1);
    for (let i = first; i <= last; i++) {
      if (s.status !== statuses[i]) {
        mixed[i] = true;
        continue;
      }
      const from = windowStart + (i * span) / cells;
      const to = windowStart + ((i + 1) * span) / cells;
      held[i]! += Math.max(0, Math.min(s.end, to) - Math.max(s.start, from));
    }
  }
  return held.map((ms, i) => {
    if (!mixed[i]) return 1;
    const share = Math.round((ms * cells * 1000) / span) / 1000;
    return Math.min(0.999, Math.max(0.001, share));
  });
}

export interface Availability {
  healthyMs: number;
  /** Unhealthy and InitialUnhealthy. */
  unhealthyMs: number;
  unknownMs: number;
  /** healthy / (healthy + unhealthy) × 100; null when nothing is known. */
  percent: number | null;
}

export function availability(segments: readonly Segment[]): Availability {
  let healthyMs = 0;
  let unhealthyMs = 0;
  let unknownMs = 0;
  for (const s of segments) {
    const d = s.end - s.start;
    if (s.status === 'Healthy') healthyMs += d;
    else if (s.status === 'Unknown') unknownMs += d;
    else unhealthyMs += d;
  }
  const known = healthyMs + unhealthyMs;
  return { healthyMs, unhealthyMs, unknownMs, percent: known > 0 ? (healthyMs / known) * 100 : null };
}

export interface ServiceTimeline {
  service: Service;
  segments: Segment[];
  cells: CellStatus[];
  /** How much of each cell its status holds (sliceShares): 1 all of it, less for part. */
  shares: number[];
  availability: Availability;
  /** Incidents that overlap the window. */
  incidents: number;
}

export interface Timeline {
  start: number;
  end: number;
  cells: number;
  sliceMs: number;
  staleAfterMs: number;
  /** Events recorded inside the window. */
  events: number;
  services: ServiceTimeline[];
}

export const RETENTION_MS = 72 * 3_600_000;

/**
 * The default window: from the oldest retained event (no earlier than 72 h, the retention
 * limit) to now. With `since`, from there; time before the first retained event is then unknown.
 */
export function timelineWindow(
  events: readonly ClusterEventStatus[],
  now: number,
  since?: number,
): { start: number; end: number } {
  if (since !== undefined) return { start: since, end: now };
  let oldest = Infinity;
  for (const e of events) oldest = Math.min(oldest, Date.parse(e.recorded_at));
  const start = Number.isFinite(oldest) ? Math.max(oldest, now - RETENTION_MS) : now - RETENTION_MS;
  return { start: Math.min(start, now - 1), end: now };
}

export function buildTimeline(
  events: readonly ClusterEventStatus[],
  opts: { start: number; end: number; cells: number; staleAfterMs: number; now: number },
): Timeline {
  const asc = chronological(events);
  const incidents = groupIncidents(events, opts.now, SERVICES, opts.staleAfterMs);
  const services = SERVICES.map((service): ServiceTimeline => {
    const segments = serviceSegments(asc, service, opts.start, opts.end, opts.staleAfterMs);
    const cells = sliceSegments(segments, opts.start, opts.end, opts.cells);
    return {
      service,
      segments,
      cells,
      shares: sliceShares(segments, cells, opts.start, opts.end),
      availability: availability(segments),
      incidents: incidentsInWindow(
        incidents.filter((x) => x.service === service),
        opts.start,
        opts.end,
        opts.now,
      ).length,
    };
  });
  return {
    start: opts.start,
    end: opts.end,
    cells: opts.cells,
    sliceMs: (opts.end - opts.start) / opts.cells,
    staleAfterMs: opts.staleAfterMs,
    events: asc.filter((t) => t.at >= opts.start && t.at < opts.end).length,
    services,
  };
}

/** The `--json` shape. Times as RFC 3339 (UTC, ms), durations in seconds; `staleSource`: where the stale limit came from. */
export function timelineJson(t: Timeline, staleSource?: string) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    start: iso(t.start),
    end: iso(t.end),
    slice_seconds: t.sliceMs / 1000,
    stale_after_seconds: t.staleAfterMs / 1000,
    ...(staleSource !== undefined && { stale_after_source: staleSource }),
    events: t.events,
    services: t.services.map((s) => ({
      service: s.service,
      availability_percent: s.availability.percent,
      healthy_seconds: s.availability.healthyMs / 1000,
      unhealthy_seconds: s.availability.unhealthyMs / 1000,
      unknown_seconds: s.availability.unknownMs / 1000,
      incidents: s.incidents,
      slices: s.cells,
      slice_shares: s.shares,
      segments: s.segments.map((g) => ({ start: iso(g.start), end: iso(g.end), status: g.status })),
    })),
  };
}
