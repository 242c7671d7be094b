/**
 * The monitor loop's recording policy (`cluster_monitor.rs`): which rounds write an event. A
 * pure function of the loop's state and what the round saw, so the rule reads in one place and
 * is tested without running rounds.
 */

/** While healthy, an event every this many rounds. Also the cap of the unhealthy back-off. */
export const STORE_EVERY_ROUNDS = 60;

/** The loop's local variables; a (re)started recorder process begins from `FRESH_LOOP`. */
export interface LoopState {
  /** No round of this process has been recorded against an existing latest event yet. */
  first: boolean;
  iterationsWithoutInsert: number;
  /** Rounds to wait between events while unhealthy: 1, 2, 4 … up to `STORE_EVERY_ROUNDS`. */
  backoffThreshold: number;
}

export const FRESH_LOOP: LoopState = { first: true, iterationsWithoutInsert: 0, backoffThreshold: 1 };

/** What one round saw: the verdict of the latest stored event (undefined when none) and its own. */
export interface RoundVerdicts {
  /** The round is the first of a (re)started recorder process. */
  restart: boolean;
  latestHealthy: boolean | undefined;
  newHealthy: boolean;
}

export interface RecordingDecision {
  insert: boolean;
  /** The loop's state for the next round. */
  state: LoopState;
}

export function decideRecording(previous: LoopState, round: RoundVerdicts): RecordingDecision {
  const state = round.restart ? FRESH_LOOP : previous;
  const { insert, first, backoffThreshold } = decide(state, round.latestHealthy, round.newHealthy);
  const iterationsWithoutInsert = insert ? 0 : state.iterationsWithoutInsert + 1;
  return { insert, state: { first, iterationsWithoutInsert, backoffThreshold } };
}

type Verdict = Pick<RecordingDecision, 'insert'> & Pick<LoopState, 'first' | 'backoffThreshold'>;

function decide(s: LoopState, latestHealthy: boolean | undefined, newHealthy: boolean): Verdict {
  // An empty table is always written to, and `first` survives it: a manager started on an empty
  // table records its first two rounds.
  if (latestHealthy === undefined) return { insert: true, first: s.first, backoffThreshold: s.backoffThreshold };
  if (s.first) return { insert: true, first: false, backoffThreshold: s.backoffThreshold };
  if (latestHealthy && newHealthy) {
    return { insert: s.iterationsWithoutInsert >= STORE_EVERY_ROUNDS - 1, first: false, backoffThreshold: 1 };
  }
  if (!latestHealthy && !newHealthy) {
    if (s.iterationsWithoutInsert < s.backoffThreshold - 1)
      return { insert: false, first: false, backoffThreshold: s.backoffThreshold };
    return { insert: true, first: false, backoffThreshold: Math.min(s.backoffThreshold * 2, STORE_EVERY_ROUNDS) };
  }
  // The overall verdict changed: record at once and start the back-off over.
  return { insert: true, first: false, backoffThreshold: 1 };
}
