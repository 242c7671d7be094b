/**
 * Events for the tests of the engine's parts (ids of version 7 that carry their time), and a
 * scripted server for the cases a simulator does not play: one answer per poll, in order.
 */
import type { ClusterEvent, ClusterEventStatus } from '../../src/api/types.js';
import type { WatchClient } from '../../src/watch/engine.js';

export const BASE = Date.parse('2025-12-08T12:00:00Z');

/** Event `n`, recorded `atS` seconds after BASE (microseconds as the server writes them), all healthy unless `s` says otherwise. */
export function ev(n: number, atS: number, s: Partial<ClusterEventStatus> = {}): ClusterEvent {
  const ms = BASE + atS * 1000;
  const hex = ms.toString(16).padStart(12, '0');
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-${String(n).padStart(12, '0')}`,
    recorded_at: new Date(ms).toISOString().replace('Z', '000Z'),
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
    ...s,
  };
}

/** Event `n` with the runner down. */
export function down(n: number, atS: number): ClusterEvent {
  return ev(n, atS, { all_healthy: false, runner_status: 'Unhealthy' });
}

export const ids = (list: readonly Pick<ClusterEventStatus, 'id'>[]): string[] => list.map((e) => e.id);

export interface ScriptedPoll {
  /** The server's Date of this poll's answers, in seconds after BASE. */
  now: number;
  latest: ClusterEvent;
  list: ClusterEvent[];
}

/** A client whose n-th `latest` (and the list read after it) answers the n-th poll of the script. */
export function scripted(script: readonly ScriptedPoll[]): WatchClient & { listCalls: () => number } {
  let i = -1;
  let lists = 0;
  const answer = <T>(data: T) => ({ data, status: 200, serverDate: BASE + script[i]!.now * 1000, bytes: 1 });
  return {
    getEvent: async () => answer(script[++i]!.latest),
    listEvents: async () => {
      lists++;
      return answer(script[i]!.list);
    },
    refreshCredential: () => false,
    stats: () => ({ requests: 0, bytesReceived: 0 }),
    listCalls: () => lists,
  };
}
