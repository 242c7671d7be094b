import { describe, expect, it } from 'vitest';
import {
  decideRecording,
  FRESH_LOOP,
  type LoopState,
  type RoundVerdicts,
  STORE_EVERY_ROUNDS,
} from '../../src/simulator/policy.js';

/** Runs the policy over a sequence of rounds (latest verdict follows what was recorded); returns the recorded round indexes. */
function recordedRounds(
  newHealthy: boolean[],
  start: LoopState = FRESH_LOOP,
  latest: boolean | undefined = undefined,
): number[] {
  let state = start;
  let latestHealthy = latest;
  const out: number[] = [];
  newHealthy.forEach((healthy, i) => {
    const d = decideRecording(state, { restart: false, latestHealthy, newHealthy: healthy });
    state = d.state;
    if (d.insert) {
      out.push(i);
      latestHealthy = healthy;
    }
  });
  return out;
}

const steady: LoopState = { first: false, iterationsWithoutInsert: 0, backoffThreshold: 1 };

describe('recording policy', () => {
  it('records the first round on an empty table and keeps `first` for the next', () => {
    const d = decideRecording(FRESH_LOOP, { restart: false, latestHealthy: undefined, newHealthy: true });
    expect(d).toEqual({ insert: true, state: { first: true, iterationsWithoutInsert: 0, backoffThreshold: 1 } });
    expect(recordedRounds(Array(130).fill(true))).toEqual([0, 1, 61, 121]);
  });

  it('records every STORE_EVERY_ROUNDS rounds while healthy', () => {
    const rounds = recordedRounds(Array(200).fill(true), steady, true);
    expect(rounds).toEqual([59, 119, 179]);
    expect(rounds[1]! - rounds[0]!).toBe(STORE_EVERY_ROUNDS);
  });

  it('while unhealthy, doubles the wait after each event up to STORE_EVERY_ROUNDS', () => {
    const rounds = recordedRounds(Array(400).fill(false), steady, false);
    const gaps = rounds.slice(1).map((r, i) => r - rounds[i]!);
    expect(gaps.slice(0, 8)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
    expect(rounds[0]).toBe(0);
  });

  it('records a change of verdict at once and resets the back-off', () => {
    const d = decideRecording(
      { first: false, iterationsWithoutInsert: 5, backoffThreshold: 32 },
      { restart: false, latestHealthy: false, newHealthy: true },
    );
    expect(d).toEqual({ insert: true, state: { first: false, iterationsWithoutInsert: 0, backoffThreshold: 1 } });
  });

  it('a restart forgets the loop state and records its first round', () => {
    const waiting: LoopState = { first: false, iterationsWithoutInsert: 3, backoffThreshold: 60 };
    const round: RoundVerdicts = { restart: true, latestHealthy: false, newHealthy: false };
    expect(decideRecording(waiting, round)).toEqual({
      insert: true,
      state: { first: false, iterationsWithoutInsert: 0, backoffThreshold: 1 },
    });
    expect(decideRecording(waiting, { ...round, restart: false })).toEqual({
      insert: false,
      state: { ...waiting, iterationsWithoutInsert: 4 },
    });
  });
});
