/** The monitor's cadence: when the list can be skipped, what a later list finds, when to look early. */
import { describe, expect, it } from 'vitest';
import { keyOf } from '../../src/domain/order.js';
import {
  type Cadence,
  DEFAULT_PERIODIC_GAP_MS,
  earlyLook,
  firstLook,
  initialCadence,
  learnCadence,
  listRead,
  provablyNext,
  sawLatest,
  skipped,
} from '../../src/watch/cadence.js';
import { BASE, down, ev, ids } from './events.js';

const S = 1000;
const e1 = ev(1, 0);
/** e1 seen as latest at 5 s, a list read at 0 s. */
const seen: Cadence = sawLatest(firstLook(initialCadence, BASE), keyOf(e1), e1, BASE + 5 * S);

describe('provably the next event', () => {
  it('recorded within a round (less the margin) of the last look at the cursor as latest', () => {
    expect(provablyNext(seen, keyOf(e1), ev(2, 12), BASE + 20 * S)).toBe(true);
    expect(provablyNext(seen, keyOf(e1), ev(2, 13), BASE + 20 * S)).toBe(false);
  });

  it('never without the Date, a look at the cursor, a list within the hour, or an event after the cursor', () => {
    const next = ev(2, 10);
    expect(provablyNext(seen, keyOf(e1), next, undefined)).toBe(false);
    expect(provablyNext(initialCadence, keyOf(e1), next, BASE + 20 * S)).toBe(false);
    expect(provablyNext(seen, keyOf(ev(9, 0)), next, BASE + 20 * S)).toBe(false);
    expect(provablyNext({ ...seen, lastListAt: undefined }, keyOf(e1), next, BASE + 20 * S)).toBe(false);
    expect(provablyNext(seen, keyOf(e1), next, BASE + 3_600_000)).toBe(false);
    expect(provablyNext(seen, keyOf(e1), ev(0, -1), BASE + 20 * S)).toBe(false);
  });

  it('the look is forgotten when the latest is not the cursor, or the answer had no Date', () => {
    expect(sawLatest(seen, keyOf(e1), ev(2, 10), BASE + 20 * S).seenAsLatest).toBeUndefined();
    expect(sawLatest(seen, keyOf(e1), e1, undefined).seenAsLatest).toBeUndefined();
    expect(sawLatest(seen, undefined, e1, BASE).seenAsLatest).toBeUndefined();
    expect(seen.seenAsLatest).toEqual({ id: e1.id, at: BASE + 5 * S });
  });

  it('the first look starts the hourly clock once', () => {
    expect(firstLook(initialCadence, BASE).lastListAt).toBe(BASE);
    expect(firstLook(firstLook(initialCadence, BASE), BASE + S).lastListAt).toBe(BASE);
  });
});

describe('what the next list finds', () => {
  it('events between the anchor and the cursor that were not shown, oldest first, reported late', () => {
    const [e2, e3, e4, e5] = [ev(2, 3), ev(3, 5), ev(4, 7), ev(5, 30)];
    let c = skipped(seen, keyOf(e1), e3.id);
    c = skipped(c, keyOf(e3), e4.id);
    expect(c.unverified?.anchor).toEqual(keyOf(e1));
    const read = listRead(c, BASE + 40 * S, [e5, e4, e3, e2, e1], keyOf(e4));
    expect(ids(read.late)).toEqual(ids([e2]));
    expect(read.cadence.unverified).toBeUndefined();
    expect(read.cadence.lastListAt).toBe(BASE + 40 * S);
    // Skipping did not change the cadence it started from.
    expect(seen.unverified).toBeUndefined();
  });

  it('nothing skipped, nothing late; an answer without a Date keeps the last list time', () => {
    const read = listRead(seen, undefined, [ev(2, 3), e1], keyOf(e1));
    expect(read.late).toEqual([]);
    expect(read.cadence.lastListAt).toBe(BASE);
  });
});

describe('the 10-minute cadence', () => {
  it('is learned from two healthy events in a row without a change, within bounds', () => {
    expect(learnCadence(initialCadence, e1, ev(2, 605)).periodicGapMs).toBe(605 * S);
    expect(learnCadence(initialCadence, e1, ev(2, 300)).periodicGapMs).toBe(DEFAULT_PERIODIC_GAP_MS);
    expect(learnCadence(initialCadence, down(0, -605), ev(2, 0)).periodicGapMs).toBe(DEFAULT_PERIODIC_GAP_MS);
    expect(learnCadence(initialCadence, undefined, e1)).toBe(initialCadence);
  });

  it('looks just before the next periodic event is due, never later than the interval', () => {
    // e1 recorded at 0, now 598 s: due at 601 s, so look at 598.5 s.
    const at = (s: number, delayMs = 10 * S) => ({ intervalMs: 10 * S, delayMs, serverDate: BASE + s * S });
    const c = sawLatest(seen, keyOf(e1), e1, BASE + 590 * S);
    expect(earlyLook(c, e1, false, at(590))).toBe(8500);
    expect(earlyLook(c, e1, false, at(580))).toBe(10 * S);
    expect(earlyLook(c, e1, false, at(598))).toBe(10 * S); // under a second: not worth a look of its own
  });

  it('no early look when stale, unhealthy, without a Date, not seen as latest, or polling faster than the proof needs', () => {
    const c = sawLatest(seen, keyOf(e1), e1, BASE + 590 * S);
    const next = { intervalMs: 10 * S, delayMs: 10 * S, serverDate: BASE + 590 * S };
    expect(earlyLook(c, e1, true, next)).toBe(10 * S);
    const d = down(1, 0);
    expect(earlyLook(sawLatest(seen, keyOf(d), d, BASE + 590 * S), d, false, next)).toBe(10 * S);
    expect(earlyLook(c, e1, false, { ...next, serverDate: undefined })).toBe(10 * S);
    expect(earlyLook(initialCadence, e1, false, next)).toBe(10 * S);
    expect(earlyLook(c, e1, false, { ...next, intervalMs: 5 * S, delayMs: 5 * S })).toBe(5 * S);
    // Polls a periodic gap (10 min) or more apart: the poll after a look would read the list anyway.
    const hourly = { intervalMs: 60 * 60 * S, delayMs: 60 * 60 * S, serverDate: BASE + 300 * S };
    expect(earlyLook(c, e1, false, hourly)).toBe(60 * 60 * S);
    expect(earlyLook(c, e1, false, { ...hourly, intervalMs: 5 * 60 * S, delayMs: 5 * 60 * S })).toBe(300 * S - 1500);
  });
});
