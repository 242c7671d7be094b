/** Staleness of the newest event (said once, resumed once) and the --until condition. */
import { describe, expect, it } from 'vitest';
import {
  initialStaleness,
  judgeStaleness,
  resumed,
  staleAfterPoll,
  untilHolds,
  untilMetBy,
} from '../../src/watch/stale-notice.js';
import { BASE, down, ev } from './events.js';

const MIN = 60_000;
const LIMIT = 12 * MIN;

describe('staleness', () => {
  it('an all-healthy event older than the limit by the server clock; the local clock only without a Date', () => {
    const e = ev(1, 0);
    // The server's clock within 5 minutes of the local one is believed, either way.
    expect(judgeStaleness(e, BASE + 13 * MIN, BASE + 9 * MIN, LIMIT)).toEqual({ stale: true, ageMs: 13 * MIN });
    expect(judgeStaleness(e, BASE + 11 * MIN, BASE + 15 * MIN, LIMIT)).toEqual({ stale: false, ageMs: 11 * MIN });
    // Further off, it is not: the local clock judges (a Date that lies cannot make it fresh).
    expect(judgeStaleness(e, BASE + 1 * MIN, BASE + 60 * MIN, LIMIT)).toEqual({ stale: true, ageMs: 60 * MIN });
    // Dated in the future by more than a minute: its age cannot be judged, so not fresh.
    expect(judgeStaleness(e, BASE - 3 * MIN, BASE - 3 * MIN, LIMIT)).toEqual({ stale: true, ageMs: -3 * MIN });
    expect(judgeStaleness(e, BASE - 30_000, BASE, LIMIT).stale).toBe(false);
    expect(judgeStaleness(e, undefined, BASE + 13 * MIN, LIMIT).stale).toBe(true);
    // An unhealthy event is news however old it is.
    expect(judgeStaleness(down(1, 0), BASE + 60 * MIN, BASE, LIMIT).stale).toBe(false);
  });

  it('is said once, then only the state follows the verdict', () => {
    const e = ev(1, 0);
    const first = staleAfterPoll(initialStaleness, { stale: true, ageMs: 13 * MIN }, e, LIMIT);
    expect(first.notice).toEqual({
      kind: 'stale',
      recordedAt: e.recorded_at,
      eventId: e.id,
      ageMs: 13 * MIN,
      staleAfterMs: LIMIT,
    });
    expect(first.staleness).toEqual({ now: true, said: true });
    const again = staleAfterPoll(first.staleness, { stale: true, ageMs: 14 * MIN }, e, LIMIT);
    expect(again.notice).toBeUndefined();
    expect(staleAfterPoll(initialStaleness, { stale: false, ageMs: MIN }, e, LIMIT)).toEqual({
      staleness: initialStaleness,
      notice: undefined,
    });
  });

  it('events after the notice: resumed once, with the silence they ended', () => {
    const said = { now: true, said: true };
    const r = resumed(said, ev(2, 50 * 60), ev(1, 3 * 60));
    expect(r.notice).toEqual({ kind: 'resumed', silentMs: 47 * MIN });
    expect(r.staleness.said).toBe(false);
    expect(resumed(r.staleness, ev(3, 51 * 60), ev(2, 50 * 60)).notice).toBeUndefined();
    expect(resumed(said, undefined, ev(1, 0)).notice).toBeUndefined();
    expect(resumed(said, ev(1, 0), undefined).notice).toEqual({ kind: 'resumed', silentMs: 0 });
  });
});

describe('--until', () => {
  it('healthy and unhealthy hold as a state; stale never counts as healthy; change never as a state', () => {
    expect(untilHolds('healthy', ev(1, 0), false)).toBe(true);
    expect(untilHolds('healthy', ev(1, 0), true)).toBe(false);
    expect(untilHolds('unhealthy', down(1, 0), false)).toBe(true);
    expect(untilHolds('unhealthy', ev(1, 0), false)).toBe(false);
    expect(untilHolds('change', down(1, 0), false)).toBe(false);
  });

  it('an event seen live: unhealthy by itself, change against the one before', () => {
    expect(untilMetBy('unhealthy', ev(1, 0), down(2, 10))).toBe(true);
    expect(untilMetBy('change', ev(1, 0), down(2, 10))).toBe(true);
    expect(untilMetBy('change', ev(1, 0), ev(2, 600))).toBe(false);
    expect(untilMetBy('change', undefined, down(2, 10))).toBe(false);
    expect(untilMetBy('healthy', down(1, 0), ev(2, 10))).toBe(false);
  });

  it('a flag that contradicts the statuses counts as not healthy, as event get and event list say it', () => {
    const mismatch = ev(1, 0, { all_healthy: true, compiler_status: 'Unhealthy' });
    expect(untilHolds('healthy', mismatch, false)).toBe(false);
    expect(untilHolds('unhealthy', mismatch, false)).toBe(true);
    expect(untilMetBy('unhealthy', undefined, mismatch)).toBe(true);
  });
});
