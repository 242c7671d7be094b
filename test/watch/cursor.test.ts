/** The cursor's pure rules: what a poll shows, given the cursor, the latest and the list. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import {
  type Batch,
  batchFromList,
  cursorAfter,
  isNews,
  latestAlone,
  needsList,
  newestAfter,
  replayFrom,
  startCursor,
  whenNoEvents,
} from '../../src/watch/cursor.js';
import { BASE, down, ev, ids } from './events.js';

const batch = (b: Batch | CliError): Batch => {
  if (b instanceof CliError) throw b;
  return b;
};

describe('cursor', () => {
  it('starts at the latest, or at --since; only a cursor on an event is passed by an unchanged latest', () => {
    const e1 = ev(1, 0);
    expect(startCursor(undefined)).toEqual({ kind: 'start' });
    expect(startCursor({ kind: 'ago', ms: 1000 })).toEqual({ kind: 'since', spec: { kind: 'ago', ms: 1000 } });
    expect(isNews({ kind: 'start' }, e1)).toBe(true);
    expect(isNews(cursorAfter(e1), { id: e1.id.toUpperCase() })).toBe(false);
    expect(isNews(cursorAfter(e1), ev(2, 10))).toBe(true);
    expect(needsList({ kind: 'start' })).toBe(false);
    expect(needsList({ kind: 'empty' })).toBe(true);
    expect(needsList(cursorAfter(e1))).toBe(true);
  });

  it('the latest alone keeps the cursor and what it is compared with', () => {
    const [e1, e2] = [ev(1, 0), ev(2, 10)];
    expect(latestAlone(cursorAfter(e1), e1, e2)).toEqual({
      events: [e2],
      replay: false,
      cursor: cursorAfter(e1),
      previous: e1,
      lost: undefined,
    });
  });

  it('after an event: what follows it in the list, oldest first, each once', () => {
    const [e1, e2, e3, e4] = [ev(1, 0), down(2, 10), ev(3, 20), ev(4, 30)];
    const b = batch(batchFromList(cursorAfter(e2), e2, [e4, e3, e2, e1], e4, BASE));
    expect(ids(b.events)).toEqual(ids([e3, e4]));
    expect(b).toMatchObject({ replay: false, previous: e2, lost: undefined });
  });

  it('a list that lags behind the latest still shows the latest', () => {
    const [e1, e2, e3] = [ev(1, 0), ev(2, 10), ev(3, 20)];
    expect(ids(batch(batchFromList(cursorAfter(e1), e1, [e2, e1], e3, BASE)).events)).toEqual(ids([e2, e3]));
    // Already there (in another case): not twice.
    const upper = { ...e3, id: e3.id.toUpperCase() };
    expect(batch(batchFromList(cursorAfter(e1), e1, [upper, e2, e1], e3, BASE)).events).toHaveLength(2);
  });

  it('when retention deleted the cursor: everything retained, and a bound on what may be lost', () => {
    const e1 = ev(1, 0);
    const [e8, e9] = [ev(8, 90), ev(9, 100)];
    const b = batch(batchFromList(cursorAfter(e1), e1, [e9, e8], e9, BASE));
    expect(ids(b.events)).toEqual(ids([e8, e9]));
    // 90 s between e1 and e8: at most one event a 10-second round, so at most 8 in between.
    expect(b.lost).toEqual({
      kind: 'lost',
      lastSeenId: e1.id,
      lastSeenAt: e1.recorded_at,
      oldestRetainedAt: e8.recorded_at,
      upTo: 8,
    });
  });

  it('an outage at start outlasting retention: every retained event, and a bound on what may be lost', () => {
    // The watch started at BASE; by the first answer, 73 h later, the list is full and starts 20 s after the start.
    const retained = Array.from({ length: 1000 }, (_, i) => ev(100 + i, 20 + i * 10));
    const newest = retained.at(-1)!;
    const b = batch(
      batchFromList(
        { kind: 'from', localStart: BASE },
        undefined,
        [...retained].reverse(),
        newest,
        BASE + 73 * 3_600_000,
        BASE,
      ),
    );
    expect(b.events).toHaveLength(1000);
    // 20 s between the start and the oldest retained event: at most one event in between.
    expect(b.lost).toEqual({
      kind: 'lost',
      lastSeenId: undefined,
      lastSeenAt: new Date(BASE).toISOString(),
      oldestRetainedAt: retained[0]!.recorded_at,
      upTo: 1,
    });
  });

  it('an outage at start on a young instance (a short list, no event before the start): nothing is said lost', () => {
    const list = [ev(2, 20), ev(1, 10)];
    const b = batch(batchFromList({ kind: 'from', localStart: BASE }, undefined, list, list[0]!, BASE + 60_000, BASE));
    expect(ids(b.events)).toEqual(ids([list[1]!, list[0]!]));
    expect(b.lost).toBeUndefined();
  });

  it('older events still retained: the cursor was not deleted by retention, nothing is said lost', () => {
    const [e1, e2, e3] = [ev(1, 0), ev(2, 10), ev(3, 20)];
    const gone = ev(5, 15);
    expect(batch(batchFromList(cursorAfter(gone), gone, [e3, e2, e1], e3, BASE)).lost).toBeUndefined();
  });

  it('started before the first event: every event, oldest first', () => {
    const [e1, e2] = [ev(1, 0), ev(2, 10)];
    const b = batch(batchFromList({ kind: 'empty' }, undefined, [e2, e1], e2, BASE));
    expect(ids(b.events)).toEqual(ids([e1, e2]));
    expect(b.cursor).toEqual({ kind: 'empty' });
  });
});

describe('--since replay', () => {
  const list = [ev(4, 30), down(3, 20), ev(2, 10), ev(1, 0)];

  it('a span back from the server clock: from then on, compared with the event before', () => {
    const b = batch(
      batchFromList({ kind: 'since', spec: { kind: 'ago', ms: 15_000 } }, undefined, list, list[0]!, BASE + 30_000),
    );
    expect(ids(b.events)).toEqual(ids([list[1]!, list[0]!]));
    expect(b).toMatchObject({ replay: true, previous: list[2], cursor: { kind: 'since' } });
  });

  it('nothing since then: nothing to replay, live from the newest retained event', () => {
    const b = batch(
      batchFromList(
        { kind: 'since', spec: { kind: 'time', at: BASE + 60_000 } },
        undefined,
        list,
        list[0]!,
        BASE + 60_000,
      ),
    );
    expect(b).toEqual({ events: [], replay: true, cursor: cursorAfter(list[0]!), previous: list[0], lost: undefined });
  });

  it('an id or a prefix of one: what came after it', () => {
    const r = replayFrom({ kind: 'id', id: list[2]!.id.slice(0, 8) + list[2]!.id.slice(9, 13) }, list, BASE);
    expect(r).not.toBeInstanceOf(CliError);
    if (r instanceof CliError) return;
    expect(ids(r.events)).toEqual(ids([list[1]!, list[0]!]));
    expect(r.before).toBe(list[2]);
  });

  it('a prefix that fits several events is a usage error', () => {
    const r = replayFrom({ kind: 'id', id: list[0]!.id.slice(0, 8) }, list, BASE);
    expect(r).toBeInstanceOf(CliError);
    expect(r instanceof CliError && r.exitCode).toBe(64);
  });

  it('an id no longer retained: its time says where to resume and what may be lost; without one, an error', () => {
    const kept = [ev(9, 600), ev(8, 590)];
    const gone = ev(0, 0).id;
    const r = replayFrom({ kind: 'id', id: gone }, kept, BASE + 600_000);
    if (r instanceof CliError) throw r;
    expect(ids(r.events)).toEqual(ids([kept[1]!, kept[0]!]));
    expect(r.lost).toEqual({
      kind: 'lost',
      lastSeenId: gone,
      lastSeenAt: new Date(BASE).toISOString(),
      oldestRetainedAt: kept[1]!.recorded_at,
      upTo: 58,
    });
    const unknown = replayFrom({ kind: 'id', id: 'deadbeef' }, kept, BASE);
    expect(unknown instanceof CliError && unknown.kind).toBe('unknown-event');
  });
});

describe('no events yet', () => {
  it('a watch that started before any event shows every one; others keep their cursor', () => {
    expect(whenNoEvents({ kind: 'start' })).toEqual({ kind: 'empty' });
    const since = startCursor({ kind: 'ago', ms: 1000 });
    expect(whenNoEvents(since)).toBe(since);
  });
});

describe('the newest event after a batch', () => {
  it('the last of the batch; with nothing to show, the one it follows; else the latest', () => {
    const [e1, e2, e3] = [ev(1, 0), ev(2, 10), ev(3, 20)];
    expect(newestAfter(latestAlone(cursorAfter(e1), e1, e3), e3)).toBe(e3);
    expect(newestAfter(batch(batchFromList(cursorAfter(e1), e1, [e3, e2, e1], e2, BASE)), e2)).toBe(e3);
    expect(newestAfter(batch(batchFromList(cursorAfter(e3), e3, [e2, e1], e2, BASE)), e2)).toBe(e3);
    expect(
      newestAfter({ events: [], replay: false, cursor: { kind: 'empty' }, previous: undefined, lost: undefined }, e1),
    ).toBe(e1);
  });
});
