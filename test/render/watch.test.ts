import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/api/types.js';
import { palette } from '../../src/render/style.js';
import {
  createWatchRenderer,
  formatBytes,
  noticeText,
  plainEventLine,
  statusText,
  summaryText,
  terminalEventLine,
} from '../../src/render/watch.js';
import type { WatchSnapshot } from '../../src/watch/engine.js';
import { bufferIO } from '../helpers/io.js';

const healthy: ClusterEvent = {
  id: '019afdd5-3607-70cd-b9e9-4fe4167c075e',
  recorded_at: '2025-12-08T14:03:06.655736Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
};
const down: ClusterEvent = {
  ...healthy,
  id: '019afdd6-0000-7000-8000-000000000001',
  recorded_at: '2025-12-08T14:05:16.000001Z',
  all_healthy: false,
  compiler_status: 'Unhealthy',
};
const change = [{ service: 'compiler' as const, from: 'Healthy' as const, to: 'Unhealthy' as const }];
const NOW = Date.parse('2025-12-08T14:06:00Z');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const snap = (s: Partial<WatchSnapshot> = {}): WatchSnapshot => ({
  startedAt: NOW - 125_000,
  now: NOW,
  polls: 13,
  events: 2,
  errors: 1,
  requests: 15,
  bytes: 4321,
  lastPollAt: NOW - 3_000,
  nextPollAt: NOW + 7_000,
  outageSince: undefined,
  stale: false,
  lastSeenId: down.id,
  ...s,
});

describe('event lines', () => {
  it('piped: stable plain line, full id, changes spelled out', () => {
    expect(plainEventLine({ event: down, changes: change })).toBe(
      '2025-12-08T14:05:16.000001Z  unhealthy  api=Healthy compiler=Unhealthy runner=Healthy  id=019afdd6-0000-7000-8000-000000000001  changed: compiler Healthy → Unhealthy',
    );
    expect(plainEventLine({ event: healthy, changes: [] })).toBe(
      '2025-12-08T14:03:06.655736Z  healthy    api=Healthy compiler=Healthy runner=Healthy  id=019afdd5-3607-70cd-b9e9-4fe4167c075e',
    );
  });

  it('a stale newest event says stale, piped and at a terminal, as `event list` does', () => {
    expect(plainEventLine({ event: healthy, changes: [], stale: true })).toBe(
      '2025-12-08T14:03:06.655736Z  stale      api=Healthy compiler=Healthy runner=Healthy  id=019afdd5-3607-70cd-b9e9-4fe4167c075e',
    );
    const line = terminalEventLine({ event: healthy, changes: [], stale: true }, palette(true), {
      utc: true,
      now: NOW,
    }).replace(ANSI, '');
    expect(line).toMatch(/^14:03:06Z {2}! stale {5}/);
    // An unhealthy event is unhealthy, whatever its age.
    expect(plainEventLine({ event: down, changes: [], stale: true })).toMatch(/Z {2}unhealthy {2}/);
  });

  it('notices on a terminal are wrapped at word boundaries under their label', () => {
    const io = bufferIO({ stderrIsTTY: true, columns: 40 });
    const r = createWatchRenderer(io, { json: false, utc: true, statusLine: false });
    r.notice!({
      kind: 'stale',
      recordedAt: '2025-12-08T14:03:06Z',
      eventId: 'e',
      ageMs: 25 * 60_000,
      staleAfterMs: 12 * 60_000,
    });
    const lines = io.err().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/^warning: the latest event is 25m old/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(39);
    for (const l of lines.slice(1)) expect(l.startsWith('         ')).toBe(true);
  });

  it('terminal: time, verdict, coloured statuses, highlighted change, short id', () => {
    const line = terminalEventLine({ event: down, changes: change }, palette(true), { utc: true, now: NOW });
    const plain = line.replace(ANSI, '');
    expect(plain).toBe(
      '14:05:16Z  ✗ unhealthy  api ✓ Healthy  compiler ✗ Unhealthy  runner ✓ Healthy  compiler Healthy → Unhealthy  019afdd6-0000',
    );
    expect(line).toContain('\u001b[31mUnhealthy'); // red
    expect(line).toContain('\u001b[4m'); // the changed service is underlined
    // Without colour: no escapes at all.
    expect(terminalEventLine({ event: down, changes: change }, palette(false), { utc: true, now: NOW })).toBe(plain);
  });

  it('terminal: the short id tells apart two events of the same minute (the first 8 digits do not)', () => {
    const a = { ...down, id: '01a21f14-9245-78ec-bb44-97ec4af0c973' };
    const b = { ...down, id: '01a21f14-b962-7f1d-8e35-2d7a3b5a8f10', recorded_at: '2025-12-08T14:05:26.000001Z' };
    const ids = [a, b].map((e) =>
      terminalEventLine({ event: e, changes: [] }, palette(false), { utc: true, now: NOW }).split('  ').at(-1),
    );
    expect(ids).toEqual(['01a21f14-9245', '01a21f14-b962']);
  });

  it('terminal: fits the terminal width, dropping status words for healthy services, then the id', () => {
    const at = (columns: number) =>
      terminalEventLine({ event: down, changes: change }, palette(true), { utc: false, now: NOW, columns }).replace(
        ANSI,
        '',
      );
    const wide = at(200);
    expect(wide).toMatch(/compiler ✗ Unhealthy {2}runner ✓ Healthy {2}compiler Healthy → Unhealthy {2}019afdd6-0000$/);
    const eighty = at(80);
    expect([...eighty].length).toBeLessThanOrEqual(80);
    expect(eighty).toMatch(
      /^\d\d:\d\d:\d\d {2}✗ unhealthy {2}api ✓ {2}compiler ✓ → ✗ Unhealthy {2}runner ✓ {2}019afdd6-0000$/,
    );
    const sixty = at(60);
    expect([...sixty].length).toBeLessThanOrEqual(60);
    expect(sixty).toMatch(/^\d\d:\d\d:\d\d {2}✗ unhealthy {2}api ✓ {2}compiler ✗ Unhealthy {2}runner ✓$/);
    expect(at(70)).toMatch(/compiler ✓ → ✗ Unhealthy {2}runner ✓$/);
    const recovered = terminalEventLine(
      { event: healthy, changes: [{ service: 'compiler', from: 'Unhealthy', to: 'Healthy' }] },
      palette(false),
      { utc: false, now: NOW, columns: 80 },
    );
    expect(recovered).toMatch(/api ✓ {2}compiler ✗ → ✓ Healthy {2}runner ✓ {2}019afdd5-3607$/);
  });

  it('terminal: events from another day carry the date', () => {
    const line = terminalEventLine({ event: healthy, changes: [] }, palette(false), {
      utc: true,
      now: NOW + 86_400_000,
    });
    expect(line.startsWith('2025-12-08 14:03:06Z')).toBe(true);
  });
});

describe('notices, status line and summary', () => {
  it('one line per notice', () => {
    expect(noticeText({ kind: 'no-events' }, { utc: true })).toBe('no events recorded yet; waiting for the first one');
    expect(
      noticeText({ kind: 'outage-start', reason: 'cannot reach http://h: connection refused', at: 0 }, { utc: true }),
    ).toBe('outage: cannot reach http://h: connection refused; retrying with back-off');
    expect(noticeText({ kind: 'outage-end', durationMs: 130_000, failures: 7 }, { utc: true })).toBe(
      'outage over after 2m 10s (7 failed requests); catching up from the event list',
    );
    expect(
      noticeText(
        {
          kind: 'lost',
          lastSeenId: healthy.id,
          lastSeenAt: healthy.recorded_at,
          oldestRetainedAt: down.recorded_at,
          upTo: 12,
        },
        { utc: true },
      ),
    ).toBe(
      'warning: the last event seen (019afdd5-3607, 2025-12-08 14:03:06Z) has been deleted by retention; up to 12 events recorded between it and the oldest retained event (2025-12-08 14:05:16Z) may have been lost',
    );
    expect(
      noticeText(
        {
          kind: 'lost',
          lastSeenId: undefined,
          lastSeenAt: healthy.recorded_at,
          oldestRetainedAt: down.recorded_at,
          upTo: 12,
        },
        { utc: true },
      ),
    ).toBe(
      'warning: the watch started (2025-12-08 14:03:06Z) while the server could not be reached, and retention has since deleted the events of that time; up to 12 events recorded between the start and the oldest retained event (2025-12-08 14:05:16Z) may have been lost',
    );
    expect(
      noticeText(
        { kind: 'stale', recordedAt: healthy.recorded_at, eventId: 'e', ageMs: 25 * 60_000, staleAfterMs: 12 * 60_000 },
        { utc: true },
      ),
    ).toMatch(
      // The same words as `event get` / `event list` use for it.
      /^warning: the latest event is 25m old \(more than --stale-after 12m\): the monitor has stopped recording, so current health is unknown$/,
    );
    expect(noticeText({ kind: 'resumed', silentMs: 3_900_000 }, { utc: true })).toBe(
      'events resumed after 1h 5m without one: the monitor is recording again',
    );
    expect(noticeText({ kind: 'replayed', count: 1 }, { utc: true })).toBe('1 earlier event replayed; watching live');
  });

  it('status line: last poll age, next poll, bytes, errors', () => {
    expect(statusText(snap())).toBe('last poll 3s ago · next in 7s · 4.3 kB received · 1 error');
    expect(statusText(snap({ outageSince: NOW - 65_000, stale: true, errors: 4 }))).toBe(
      'last poll 3s ago · next in 7s · 4.3 kB received · 4 errors · outage for 1m 5s · stale',
    );
  });

  it('summary: duration, polls, events, bytes, errors', () => {
    expect(summaryText(snap())).toBe('stopped after 2m 5s: 13 polls, 2 events, 4.3 kB received, 1 error');
  });

  it('bytes', () => {
    expect([formatBytes(950), formatBytes(12_400), formatBytes(3_100_000)]).toEqual(['950 B', '12.4 kB', '3.1 MB']);
  });
});

describe('renderer', () => {
  it('--json: one compact object per line, nothing else on stdout, notices on stderr', () => {
    const io = bufferIO({ stdoutIsTTY: true, stderrIsTTY: true, color: true });
    const r = createWatchRenderer(io, { json: true, utc: false, statusLine: false });
    r.event!({ event: healthy, previous: undefined, changes: [], detailed: [], replay: false, stale: false });
    r.notice!({ kind: 'no-events' });
    r.event!({ event: down, previous: healthy, changes: change, detailed: [], replay: false, stale: false });
    const lines = io.out().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([healthy, down]);
    expect(io.out()).not.toMatch(ANSI);
    expect(io.err()).toBe('no events recorded yet; waiting for the first one\n');
  });

  it('status line on stderr only when asked (stderr a TTY), cleared around every other line', () => {
    const io = bufferIO({ stdoutIsTTY: true, stderrIsTTY: true });
    const r = createWatchRenderer(io, { json: false, utc: true, now: () => NOW });
    expect(r.live).toBe(true);
    r.status!(snap());
    expect(io.err()).toBe('\r\u001b[2Klast poll 3s ago · next in 7s · 4.3 kB received · 1 error');
    r.event!({ event: down, previous: healthy, changes: change, detailed: [], replay: false, stale: false });
    r.notice!({ kind: 'no-events' });
    r.finish();
    expect(io.err()).toBe(
      '\r\u001b[2Klast poll 3s ago · next in 7s · 4.3 kB received · 1 error' +
        '\r\u001b[2K' + // cleared before the event line on stdout
        '\r\u001b[2Klast poll 3s ago · next in 7s · 4.3 kB received · 1 error' +
        '\r\u001b[2Kno events recorded yet; waiting for the first one\n' +
        '\r\u001b[2Klast poll 3s ago · next in 7s · 4.3 kB received · 1 error' +
        '\r\u001b[2K',
    );

    // stdout piped while stderr is a terminal: whatever reads the pipe prints on that terminal,
    // and a status line redrawn in place would run into its lines.
    const intoPipe = bufferIO({ stdoutIsTTY: false, stderrIsTTY: true });
    const ip = createWatchRenderer(intoPipe, { json: false, utc: true });
    expect(ip.live).toBe(false);
    ip.status!(snap());
    ip.event!({ event: down, previous: healthy, changes: change, detailed: [], replay: false, stale: false });
    ip.finish();
    expect(intoPipe.err()).toBe('');

    const piped = bufferIO();
    const p = createWatchRenderer(piped, { json: false, utc: true });
    expect(p.live).toBe(false);
    p.status!(snap());
    p.event!({ event: down, previous: healthy, changes: change, detailed: [], replay: false, stale: false });
    p.finish();
    expect(piped.err()).toBe('');
    expect(piped.out()).toBe(`${plainEventLine({ event: down, changes: change })}\n`);
  });

  it('the status line is cut to the terminal width', () => {
    const io = bufferIO({ stdoutIsTTY: true, stderrIsTTY: true, columns: 20 });
    const r = createWatchRenderer(io, { json: false, utc: true });
    r.status!(snap());
    expect(io.err()).toBe('\r\u001b[2Klast poll 3s ago ·…');
  });

  it('--details: the reports block goes under the line, sanitised', () => {
    const io = bufferIO();
    const seen: string[] = [];
    const r = createWatchRenderer(io, {
      json: false,
      utc: true,
      reports: (e, s, o) => {
        seen.push(`${s}:${o.indent}:${o.color.level > 0 ? 'c' : '-'}`);
        return `  ${s} report of ${e.id.slice(0, 8)}`;
      },
    });
    r.event!({ event: down, previous: healthy, changes: change, detailed: ['compiler'], replay: false, stale: false });
    expect(io.out()).toBe(`${plainEventLine({ event: down, changes: change })}\n  compiler report of 019afdd6\n`);
    expect(seen).toEqual(['compiler:2:-']);
  });

  it('writes that throw (closed pipe) do not escape', () => {
    const io = bufferIO();
    io.stdout.write = () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    const r = createWatchRenderer(io, { json: true, utc: true });
    expect(() =>
      r.event!({ event: healthy, previous: undefined, changes: [], detailed: [], replay: false, stale: false }),
    ).not.toThrow();
  });
});

describe('renderer after finish', () => {
  it('a note after finish (the summary) is a plain line, the status line is not drawn again', () => {
    const io = bufferIO({ stdoutIsTTY: true, stderrIsTTY: true });
    const r = createWatchRenderer(io, { json: false, utc: true });
    r.status!(snap());
    r.finish();
    r.note('stopped after 2m 5s: 13 polls, 2 events, 4.3 kB received, 1 error');
    expect(io.err()).toBe(
      '\r\u001b[2Klast poll 3s ago · next in 7s · 4.3 kB received · 1 error\r\u001b[2Kstopped after 2m 5s: 13 polls, 2 events, 4.3 kB received, 1 error\n',
    );
  });
});
