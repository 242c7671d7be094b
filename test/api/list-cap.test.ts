/**
 * A list longer than Feldera ever keeps is cut to its newest events (api/client.ts capEventList):
 * which are kept, in what order, and how many are said to be left out.
 */
import { describe, expect, it } from 'vitest';
import { type Answer, capEventList } from '../../src/api/client.js';
import { MAX_LIST_EVENTS } from '../../src/api/limits.js';
import type { ClusterEvent } from '../../src/api/types.js';

const at = (s: number) => new Date(Date.parse('2025-12-08T00:00:00Z') + s * 1000).toISOString();
const ev = (id: string, s: number) =>
  ({
    id,
    recorded_at: at(s),
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
  }) as ClusterEvent;
const answer = (data: ClusterEvent[]): Answer<ClusterEvent[]> => ({ data, status: 200, serverDate: 1, bytes: 1 });

describe('capEventList', () => {
  it('leaves a list Feldera could send as it is (the same answer)', () => {
    const a = answer([ev('a', 2), ev('b', 1)]);
    expect(capEventList(a)).toBe(a);
    const full = answer(Array.from({ length: MAX_LIST_EVENTS }, (_, i) => ev(String(i), -i)));
    expect(capEventList(full).omitted).toBeUndefined();
  });

  it('keeps the newest, in the order sent, and says how many were left out', () => {
    const a = answer([ev('old', 1), ev('new', 9), ev('mid', 5), ev('older', 0), ev('newer', 7)]);
    const r = capEventList(a, 3);
    expect(r.data.map((e) => e.id)).toEqual(['new', 'mid', 'newer']);
    expect(r.omitted).toBe(2);
    expect(r.serverDate).toBe(1);
  });

  it('keeps exactly as many as allowed when times tie at the cut', () => {
    const a = answer([ev('a', 5), ev('b', 5), ev('c', 5), ev('d', 9), ev('e', 1)]);
    const r = capEventList(a, 3);
    expect(r.data.map((e) => e.id)).toEqual(['a', 'b', 'd']);
    expect(r.omitted).toBe(2);
  });

  it('cuts 71,000 events to the newest MAX_LIST_EVENTS', () => {
    const many = Array.from({ length: 71_000 }, (_, i) => ev(String(i), -i * 3));
    const r = capEventList(answer(many));
    expect(r.data).toHaveLength(MAX_LIST_EVENTS);
    expect(r.data[0]!.id).toBe('0');
    expect(r.data.at(-1)!.id).toBe(String(MAX_LIST_EVENTS - 1));
    expect(r.omitted).toBe(71_000 - MAX_LIST_EVENTS);
  });
});
