/**
 * `event watch` output. The engine (src/watch) decides what happened; this decides how it looks.
 *
 * - At a terminal: one line per event (time, verdict, the three statuses coloured, what changed
 *   highlighted, short id), the reports of a service that turned unhealthy under it (`--details`),
 *   and a status line on stderr redrawn in place (only when stderr is a terminal).
 * - Piped: one plain line per event (RFC 3339 time as sent, `key=value` statuses, full id), no
 *   colour, no status line.
 * - `--json`: one compact JSON object per line (NDJSON), nothing else on stdout: the server's events,
 *   and a notice line of the tool's own when the verdict turns stale or unreachable and when that
 *   ends (`noticeJson`), so a pipeline that alerts on the stream sees the recorder stop too.
 * Notices (outage, staleness, retention losses) always go to stderr as well. Server text is sanitised.
 */
import type { ChalkInstance } from 'chalk';
import { type ClusterEvent, SERVICES, type Service } from '../api/types.js';
import type { StatusChange } from '../domain/order.js';
import { describeSkew } from '../domain/staleness.js';
import { eventVerdict, type Verdict } from '../domain/verdict.js';
import type { IO } from '../io/io.js';
import { paintErr, stderrBlock } from '../io/printer.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import type { WatchedEvent, WatchNotice, WatchObserver, WatchSnapshot } from '../watch/engine.js';
import { formatJson } from './json.js';
import { paintStatus, paintSymbol, statusSymbol } from './paint.js';
import { palette } from './style.js';
import { cut, plural, visibleWidth } from './text.js';
import { formatClock, formatTimestamp } from './time.js';
import { futureReason, paintVerdict, VERDICT_MARK } from './verdict.js';

export interface WatchView {
  json: boolean;
  utc: boolean;
  /** Draw the in-place status line on stderr (default: when stderr is a TTY). */
  statusLine?: boolean;
  /** "Now" for deciding whether an event is from today (terminal lines show the date otherwise). */
  now?: () => number;
  /**
   * Multi-line reports of services that turned unhealthy (`--details`). Injected so the renderer
   * can use the single-event renderer's block; receives plain text when colour is off.
   */
  reports?: (
    event: ClusterEvent,
    service: Service,
    opts: { columns: number; color: ChalkInstance; indent: number },
  ) => string;
  /** The stale limit and where it came from, for the stale warning (default: `--stale-after` and the limit). */
  describeLimit?: () => string;
}

export interface WatchRenderer extends WatchObserver {
  /** Whether waits should be sliced so the status line's ages stay current. */
  readonly live: boolean;
  /** A line on stderr (clears and redraws the status line around it). */
  note(text: string): void;
  /**
   * `warning: …` on stderr, sanitised and wrapped like the engine's warnings, clear of the status
   * line (hooks' warnings: a hook failed, the hook queue was full, --timeout stopped them).
   */
  warn(text: string): void;
  /** A plain line on stderr, sanitised and wrapped, clear of the status line (hooks' notes). */
  say(text: string): void;
  /** Remove the status line for good (before exit); later notes are plain lines. */
  finish(): void;
}

/** `950 B`, `12.4 kB`, `3.1 MB` (decimal units, as network counters are). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

/** What a line shows of an event as the engine reports it (`stale`: the newest, all healthy, too old). */
type Shown = Pick<WatchedEvent, 'event' | 'changes' | 'late'> & Partial<Pick<WatchedEvent, 'stale'>>;

/** Seconds for the status line: `3s`, `2m 5s`. */
function shortSpan(ms: number): string {
  return formatDuration(Math.max(0, Math.round(ms / 1000) * 1000)).replace(/^0ms$/, '0s');
}

/** The verdict of a shown event: stale when it is the newest, all healthy, and too old (as `event list` says it). */
function verdictOfEvent(w: Shown): Verdict {
  return eventVerdict(w.event, w.stale ?? false);
}

/** `compiler Healthy → Unhealthy, runner Healthy → InitialUnhealthy` */
export function describeChanges(changes: readonly StatusChange[]): string {
  return changes.map((ch) => `${ch.service} ${sanitizeLine(ch.from)} → ${sanitizeLine(ch.to)}`).join(', ');
}

/** The plain (piped) line for one event. */
export function plainEventLine(w: Shown): string {
  const e = w.event;
  const parts = [sanitizeLine(e.recorded_at), verdictOfEvent(w).padEnd(9)];
  parts.push(SERVICES.map((s) => `${s}=${sanitizeLine(e[`${s}_status`])}`).join(' '));
  parts.push(`id=${sanitizeLine(e.id)}`);
  if (w.changes.length) parts.push(`changed: ${describeChanges(w.changes)}`);
  if (w.late) parts.push('late');
  return parts.join('  ');
}

/**
 * A short id that still tells events apart: the first 12 hex digits (`01a21f05-b5fa`). Those are a
 * UUID v7's whole millisecond timestamp, and the monitor records at most one event per 10-second
 * round, so the prefix is unique and `--since` / `event get` accept it. (The first 8 digits change
 * only every 65 s: two events of one minute would look the same.)
 */
export function shortId(id: string): string {
  return sanitizeLine(id.slice(0, 13));
}

/**
 * The terminal line for one event: time, verdict, statuses (changed ones emphasised), changes, short id.
 * With `columns`, the widest layout that fits is used: full status words and a separate changes text;
 * then only non-healthy and changed statuses spelled out, each change inline (`runner ✓ → ✗ Unhealthy`); then
 * without the id; then a changed status without where it came from (still emphasised).
 */
export function terminalEventLine(
  w: Shown,
  c: ChalkInstance,
  opts: { utc: boolean; now: number; columns?: number },
): string {
  const e = w.event;
  const ms = Date.parse(e.recorded_at);
  const sameDay = formatTimestamp(ms, opts.utc).slice(0, 10) === formatTimestamp(opts.now, opts.utc).slice(0, 10);
  const when = sameDay ? formatClock(ms, opts.utc) : formatTimestamp(ms, opts.utc);
  const v = verdictOfEvent(w);
  const verdict = paintVerdict(c, v, `${VERDICT_MARK[v]} ${v.padEnd(9)}`);
  const changed = new Map(w.changes.map((ch) => [ch.service, ch]));
  const head = `${c.dim(when)}  ${verdict}  `;
  const tail = (id: boolean) => `${id ? `  ${c.dim(shortId(e.id))}` : ''}${w.late ? `  ${c.yellow('(late)')}` : ''}`;

  const full = SERVICES.map((s) => {
    const st = sanitizeLine(e[`${s}_status`]);
    const cell = `${s} ${statusSymbol(st)} ${paintStatus(c, st)}`;
    return changed.has(s) ? c.bold.underline(cell) : cell;
  }).join('  ');
  const changes = w.changes.length
    ? `  ${w.changes.map((ch) => c.bold(`${ch.service} ${paintStatus(c, sanitizeLine(ch.from))} → ${paintStatus(c, sanitizeLine(ch.to))}`)).join(', ')}`
    : '';
  const compact = (inline: boolean) =>
    SERVICES.map((s) => {
      const st = sanitizeLine(e[`${s}_status`]);
      const ch = changed.get(s);
      if (!ch) return `${s} ${st === 'Healthy' ? paintSymbol(c, st) : `${paintSymbol(c, st)} ${paintStatus(c, st)}`}`;
      const from = inline ? `${paintSymbol(c, sanitizeLine(ch.from))} → ` : '';
      return c.bold.underline(`${s} ${from}${paintSymbol(c, st)} ${paintStatus(c, st)}`);
    }).join('  ');

  const layouts = [
    head + full + changes + tail(true),
    head + compact(true) + tail(true),
    head + compact(true) + tail(false),
    head + compact(false) + tail(false),
  ];
  if (opts.columns === undefined) return layouts[0]!;
  return layouts.find((l) => visibleWidth(l) <= opts.columns!) ?? layouts.at(-1)!;
}

/** One line on stderr for an engine notice. */
export function noticeText(n: WatchNotice, opts: { utc: boolean; describeLimit?: () => string }): string {
  switch (n.kind) {
    case 'no-events':
      return 'no events recorded yet; waiting for the first one';
    case 'outage-start':
      return `outage: ${n.reason}; retrying with back-off`;
    case 'outage-end':
      return `outage over after ${formatDuration(n.durationMs)} (${plural(n.failures, 'failed request')}); catching up from the event list`;
    case 'lost': {
      const at = Date.parse(n.lastSeenAt);
      const when = Number.isNaN(at) ? sanitizeLine(n.lastSeenAt) : formatTimestamp(at, opts.utc);
      const what =
        n.lastSeenId === undefined
          ? `the watch started (${when}) while the server could not be reached, and retention has since deleted the events of that time`
          : `the last event seen (${shortId(n.lastSeenId)}, ${when}) has been deleted by retention`;
      const oldest = formatTimestamp(Date.parse(n.oldestRetainedAt), opts.utc);
      const span = `between ${n.lastSeenId === undefined ? 'the start' : 'it'} and the oldest retained event (${oldest})`;
      return n.upTo > 0
        ? `warning: ${what}; up to ${plural(n.upTo, 'event')} recorded ${span} may have been lost`
        : `warning: ${what}; no event can have been recorded ${span}, so none was lost`;
    }
    case 'stale': {
      const limit = opts.describeLimit?.() ?? `--stale-after ${formatDuration(n.staleAfterMs)}`;
      if (n.ageMs < 0) return `warning: ${futureReason(n.ageMs).replace('latest check', 'latest event')}`;
      const age = `the latest event is ${formatDuration(n.ageMs)} old (more than ${limit})`;
      return `warning: ${age}: the monitor has stopped recording, so current health is unknown`;
    }
    case 'resumed':
      return `events resumed after ${formatDuration(n.silentMs)} without one: the monitor is recording again`;
    case 'credential-refresh':
      return `the server answered ${n.status ?? 401}; running the token command again`;
    case 'details-failed':
      return `warning: could not fetch the reports of event ${shortId(n.id)}: ${n.reason}`;
    case 'replayed':
      return `${plural(n.count, 'earlier event')} replayed; watching live`;
    case 'clock':
      return `warning: ${describeSkew(n.skewMs)}`;
    case 'late':
      return `warning: ${plural(n.count, 'event')} recorded earlier turned up only now (the monitor broke its 10-second cadence); shown next, out of order`;
  }
}

/**
 * The NDJSON line of a notice that changes the verdict, or undefined for one that does not. Events
 * are the server's objects; these are the tool's own, told apart by their `notice` key:
 * - `{"notice":"stale","verdict":"stale","since":T,"event_id":ID,"age_seconds":N,"stale_after_seconds":N}`:
 *   the newest event (all healthy, recorded at T) is too old — the recorder stopped;
 * - `{"notice":"resumed","silent_seconds":N}`: events come again; the next event line says the verdict;
 * - `{"notice":"unreachable","verdict":"unreachable","since":T,"reason":TEXT}`: the server cannot be read;
 * - `{"notice":"reachable","outage_seconds":N,"failed_requests":N}`: it can again.
 */
export function noticeJson(n: WatchNotice): Record<string, unknown> | undefined {
  const iso = (ms: number) => new Date(ms).toISOString();
  switch (n.kind) {
    case 'stale':
      return {
        notice: 'stale',
        verdict: 'stale',
        since: n.recordedAt,
        event_id: n.eventId,
        age_seconds: Math.round(n.ageMs / 1000),
        stale_after_seconds: Math.round(n.staleAfterMs / 1000),
      };
    case 'resumed':
      return { notice: 'resumed', silent_seconds: Math.round(n.silentMs / 1000) };
    case 'outage-start':
      return { notice: 'unreachable', verdict: 'unreachable', since: iso(n.at), reason: sanitizeLine(n.reason) };
    case 'outage-end':
      return { notice: 'reachable', outage_seconds: Math.round(n.durationMs / 1000), failed_requests: n.failures };
    default:
      return undefined;
  }
}

/** The status line: last poll age, next poll, bytes, errors (plus outage / stale state). */
export function statusText(s: WatchSnapshot): string {
  const parts: string[] = [];
  parts.push(s.lastPollAt === undefined ? 'not polled yet' : `last poll ${shortSpan(s.now - s.lastPollAt)} ago`);
  if (s.nextPollAt !== undefined) parts.push(`next in ${shortSpan(s.nextPollAt - s.now)}`);
  parts.push(`${formatBytes(s.bytes)} received`);
  parts.push(plural(s.errors, 'error'));
  if (s.outageSince !== undefined) parts.push(`outage for ${shortSpan(s.now - s.outageSince)}`);
  if (s.stale) parts.push('stale');
  return parts.join(' · ');
}

/** `stopped after 5m 3s: 31 polls, 2 events, 9.1 kB received, 0 errors` */
export function summaryText(s: WatchSnapshot): string {
  const counts = [
    plural(s.polls, 'poll'),
    plural(s.events, 'event'),
    `${formatBytes(s.bytes)} received`,
    plural(s.errors, 'error'),
  ];
  return `stopped after ${formatDuration(s.now - s.startedAt)}: ${counts.join(', ')}`;
}

const CLEAR_LINE = '\r\u001b[2K';

/** Writes that never throw: a closed pipe ends the process quietly elsewhere (cli.ts). */
function safeWrite(stream: IO['stdout'], text: string): void {
  try {
    stream.write(text);
  } catch {
    // ignored: EPIPE and friends are handled by the stream's error listener
  }
}

export function createWatchRenderer(io: IO, view: WatchView): WatchRenderer {
  const c = palette(io.color);
  const cErr = palette(io.colorErr);
  const plain = palette(false);
  const now = view.now ?? (() => Date.now());
  // Only when both are terminals: with stdout piped, whatever reads the pipe may print on the
  // same terminal, where a status line redrawn in place would run into its lines.
  const statusLine = view.statusLine ?? (io.stderrIsTTY && io.stdoutIsTTY);
  let drawn = false;
  let closed = false;
  let last: WatchSnapshot | undefined;

  const clear = () => {
    if (drawn) safeWrite(io.stderr, CLEAR_LINE);
    drawn = false;
  };
  const redraw = () => {
    if (!statusLine || !last || closed) return;
    const text = statusText(last);
    const width = Math.max(10, io.columns - 1);
    safeWrite(io.stderr, CLEAR_LINE + cErr.dim(cut(text, width)));
    drawn = true;
  };
  const out = (text: string) => {
    clear();
    safeWrite(io.stdout, text);
    redraw();
  };
  const note = (text: string) => {
    clear();
    safeWrite(io.stderr, `${text}\n`);
    redraw();
  };

  return {
    live: statusLine,
    note,
    warn: (text) => note(stderrBlock(io, 'warning: ', `${paintErr(io, 'yellow', 'warning:')} `, text).join('\n')),
    say: (text) => note(stderrBlock(io, '', '', text).join('\n')),
    event(w) {
      if (view.json) {
        out(`${formatJson(w.event)}\n`);
        return;
      }
      const lines = [
        io.stdoutIsTTY
          ? terminalEventLine(w, c, { utc: view.utc, now: now(), columns: io.columns })
          : plainEventLine(w),
      ];
      if (view.reports) {
        for (const s of w.detailed) {
          lines.push(view.reports(w.event, s, { columns: io.columns, indent: 2, color: io.stdoutIsTTY ? c : plain }));
        }
      }
      out(`${lines.join('\n')}\n`);
    },
    notice(n) {
      const line = view.json ? noticeJson(n) : undefined;
      if (line) out(`${formatJson(line)}\n`);
      const text = noticeText(n, { utc: view.utc, ...(view.describeLimit && { describeLimit: view.describeLimit }) });
      const warning = text.startsWith('warning: ');
      const block = warning
        ? stderrBlock(io, 'warning: ', `${paintErr(io, 'yellow', 'warning:')} `, text.slice('warning: '.length))
        : stderrBlock(io, '', '', text);
      note(block.join('\n'));
    },
    status(s) {
      last = s;
      redraw();
    },
    finish() {
      clear();
      closed = true;
    },
  };
}
