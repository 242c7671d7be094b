/**
 * `event watch --exec`: the observer, the `--exec-min-interval` gate, the runner for one watch,
 * and what is said on stderr — each hook's outcome (through the run's secrets filter, and with a
 * receiver's key such as PagerDuty's masked too), what was held back, dropped or not run.
 *
 * A hook's stdin and `CLUSTER_*` values pass the run's secrets filter, as stdout does; the
 * environment it inherits is watch's own without `FELDERA_API_KEY`, `FELDERA_AUTH_TOKEN_COMMAND`
 * and any variable that holds a credential the run knows of (under whatever name).
 *
 * A failing, hanging or unstartable hook is a warning; the watch goes on. `--timeout` is a
 * deadline for the whole command: hooks still queued when the watch ends run until then, and at
 * it the running one is stopped (its group killed, as a second Ctrl-C does) and what was not run
 * is said.
 */
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import { createScrubber } from '../io/secrets.js';
import { plural } from '../render/text.js';
import { formatDuration } from '../util/duration.js';
import type { WatchObserver } from '../watch/types.js';
import { withHooks } from './observer.js';
import {
  buildJob,
  CREDENTIAL_ENV,
  type ExecOptions,
  estimateSize,
  type HookCall,
  type HookJob,
  type HookOrigin,
  jobLabel,
  PAGERDUTY_KEY_ENV,
} from './payload.js';
import { createHookRunner, type HookResult, MAX_QUEUED, type PendingJob, type RunnerStats } from './runner.js';
import { createThrottle } from './throttle.js';
import type { Quiet } from './transition.js';

/** Where hook messages go: lines on stderr that keep clear of the watch's status line (render/watch.ts). */
export interface HookOutput {
  note(text: string): void;
  warn(text: string): void;
}

export interface WatchHooks {
  observe(inner: WatchObserver): WatchObserver;
  /** Resolves once no hook is queued or running (tests synchronise their clock on it). */
  idle(): Promise<void>;
  stats(): RunnerStats;
  /**
   * The watch is over: the queued hooks run (after Ctrl-C that is said; a second one ends at once),
   * but not past `deadline` (the watch's clock): at it — at once when the watch itself timed out —
   * they are stopped and what was not run is said. True when the deadline stopped them.
   */
  finish(end: {
    aborted: boolean;
    timedOut: boolean;
    deadline: number | undefined;
    timeoutMs?: number;
  }): Promise<boolean>;
}

/** For tests: told when a hook starts. */
export interface HookSeams {
  onStart?(job: HookJob): void;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.slice(0, 300) ?? '';
}

export function reportHook(
  ctx: Pick<Context, 'verbose'>,
  out: HookOutput,
  exec: ExecOptions,
  r: HookResult,
  mask: (s: string) => string = (s) => s,
): void {
  const what = r.job.label;
  const why = mask(lastLine(r.stderr));
  if (r.spawnError !== undefined) out.warn(`${what} could not start: ${r.spawnError}`);
  else if (r.timedOut)
    out.warn(`${what} ran longer than --exec-timeout ${formatDuration(exec.timeoutMs)} and was stopped`);
  else if (r.stopped) out.warn(`${what} was stopped: the watch's --timeout ran out`);
  else if (r.code !== 0)
    out.warn(`${what} failed (${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`})${why ? `: ${why}` : ''}`);
  else ctx.verbose(`${what} finished in ${Math.round(r.durationMs)} ms`);
  for (const [name, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    for (const line of text
      .trimEnd()
      .split('\n')
      .filter((l) => l !== ''))
      ctx.verbose(`hook ${name}: ${mask(line)}`);
  }
}

/** The longest wait setTimeout takes (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/** Hooks waiting beyond this many mean they are slower than the events: said once. */
export const BACKLOG_WARN = 10;

const iso = (ms: number) => new Date(ms).toISOString();

/** `69,999 waiting hooks`: counts that can be large, grouped. */
function counted(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

function quietText(q: Quiet, exec: ExecOptions): string {
  const forText = `--for ${formatDuration(exec.forMs ?? 0)}`;
  if (q.kind === 'pending')
    return `${q.verdict} since ${iso(q.since)}: the hook fires if it is still not healthy at ${iso(q.dueAt)} (${forText})`;
  return `${q.was} since ${iso(q.since)} lasted ${formatDuration(q.heldMs)}, less than ${forText}: a flap, no hook ran`;
}

/** The range of jobs a message is about: `the hook for event A` or `the hook for event A … the hook for event B`. */
function span(first: Pick<HookJob, 'label'> | undefined, last: Pick<HookJob, 'label'> | undefined): string {
  if (!first || !last) return '';
  return first === last ? first.label : `${first.label} … ${last.label}`;
}

export function startHooks(
  exec: ExecOptions,
  ctx: Context,
  origin: HookOrigin,
  out: HookOutput,
  seams: HookSeams = {},
): WatchHooks {
  const payload = exec.payload ?? 'event';
  const routingKey = payload === 'pagerduty' ? ctx.env[PAGERDUTY_KEY_ENV]?.trim() : undefined;
  if (payload === 'pagerduty' && !routingKey)
    throw usageError(
      `--exec-payload pagerduty needs ${PAGERDUTY_KEY_ENV} in the environment: the integration key of a PagerDuty service (Events API v2)`,
    );
  // A receiver's key is never printed: hooks' own output is masked with it (their stdin keeps it).
  const receiverSecrets = createScrubber();
  receiverSecrets.add(routingKey);
  const mask = (s: string) => (routingKey ? receiverSecrets.scrub(s) : s);
  if (payload === 'alertmanager' && exec.repeatMs === undefined)
    out.note(
      'note: Alertmanager ends an alert that is not sent again within its resolve_timeout (5m by default); --repeat 1m keeps it firing while the cluster is not healthy',
    );

  const withheld = new Set<string>();
  const baseEnv = () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.env)) {
      if (v === undefined || (CREDENTIAL_ENV as readonly string[]).includes(k)) continue;
      if (ctx.secrets.holds(v)) {
        if (!withheld.has(k)) ctx.verbose(`not passing ${sanitizeLine(k)} to hooks: it holds a credential`);
        withheld.add(k);
        continue;
      }
      env[k] = v;
    }
    return env;
  };

  const drops = { count: 0, first: undefined as PendingJob | undefined, last: undefined as PendingJob | undefined };
  const runner = createHookRunner({
    command: exec.command,
    timeoutMs: exec.timeoutMs,
    baseEnv,
    report: (r) => reportHook(ctx, out, exec, r, mask),
    onStart: seams.onStart,
    onDrop(job) {
      drops.count++;
      drops.first ??= job;
      drops.last = job;
    },
  });
  const sayDrops = () => {
    if (drops.count === 0) return;
    out.warn(
      `the hook queue was full (at most ${MAX_QUEUED} wait): dropped ${counted(drops.count, 'waiting hook')}, the oldest (${span(drops.first, drops.last)}); the newest still run`,
    );
    drops.count = 0;
    drops.first = undefined;
    drops.last = undefined;
  };

  let warned = false;
  const build = {
    payload,
    scrub: (s: string) => ctx.secrets.scrub(s),
    repeatMs: exec.repeatMs,
    ...(routingKey && { routingKey }),
  };
  const push = (call: HookCall) => {
    // Made when it starts (filtered then, with every credential known by then); a dropped one costs nothing.
    runner.push({
      label: jobLabel(call),
      size: estimateSize(call),
      build: () => buildJob(call, origin, build, sanitizeLine),
    });
    if (!warned && runner.pending() > BACKLOG_WARN) {
      warned = true;
      out.warn(
        `${runner.pending()} hooks are waiting: the hook is slower than the events (each may run up to --exec-timeout ${formatDuration(exec.timeoutMs)}); they run in order, and past ${MAX_QUEUED} waiting the oldest are dropped`,
      );
    }
  };

  type Due = Omit<HookCall, 'suppressed'>;
  const gate = createThrottle<Due>(exec.minIntervalMs);
  const minText = () => `--exec-min-interval ${formatDuration(exec.minIntervalMs ?? 0)}`;
  const release = (r: { item: Due; suppressed: number; delayed: boolean } | undefined, now: number) => {
    if (!r) return;
    const call: HookCall = { ...r.item, at: now, suppressed: r.suppressed };
    if (r.suppressed > 0)
      out.note(
        `${minText()}: ${plural(r.suppressed, 'hook run')} held back since the last one ${r.suppressed === 1 ? 'was' : 'were'} not run; the newest runs now with CLUSTER_SUPPRESSED=${r.suppressed}`,
      );
    push(call);
  };
  const offer = (due: Due) => {
    const now = ctx.clock.now();
    const released = gate.offer(due, now);
    if (released) return release(released, now);
    const at = gate.dueAt();
    ctx.verbose(
      `${minText()}: held back until ${at === undefined ? 'later' : iso(at)} (the newest held back runs then)`,
    );
  };

  const observe = (inner: WatchObserver) =>
    withHooks(inner, {
      on: exec.on,
      timing: { forMs: exec.forMs ?? 0, repeatMs: exec.repeatMs },
      now: () => ctx.clock.now(),
      run(due) {
        if (due.transition) ctx.verbose(`${due.transition.kind}: ${due.subject.verdict}`);
        offer(due);
      },
      tick(now, pollDone) {
        release(gate.due(now), now);
        // Once per poll: a replay that overflows the queue is one line, not one per event.
        if (pollDone) sayDrops();
      },
      quiet: (q) => ctx.verbose(quietText(q, exec)),
    });

  const finishing = () => {
    const n = runner.pending();
    if (n > 0) out.note(`finishing ${n === 1 ? '1 hook' : `${n} hooks`} (Ctrl-C again to stop at once)`);
  };
  const stopAll = async (timeoutMs: number | undefined) => {
    const { notRun, killed } = runner.stop();
    await runner.drain();
    if (!killed && notRun.length === 0) return;
    const parts = [
      ...(killed ? [`stopped ${killed.label}`] : []),
      ...(notRun.length
        ? [`did not run ${counted(notRun.length, 'queued hook')} (${span(notRun[0], notRun.at(-1))})`]
        : []),
    ];
    out.warn(`--timeout ${formatDuration(timeoutMs ?? 0)} ran out: ${parts.join('; ')}`);
  };

  return {
    observe,
    idle: () => runner.drain(),
    stats: () => runner.stats(),
    async finish(end) {
      sayDrops();
      const held = gate.held();
      if (held)
        out.note(
          `${minText()}: ${plural(held.suppressed + 1, 'hook run')} held back ${held.suppressed === 0 ? 'was' : 'were'} not run: the watch ended first`,
        );
      if (end.timedOut) {
        await stopAll(end.timeoutMs);
        return true;
      }
      if (end.aborted) finishing();
      // A Ctrl-C while waiting (after --until or --timeout ended the watch) is answered too.
      else ctx.signal.addEventListener('abort', finishing, { once: true });
      try {
        // No deadline, or one further off than a timer can wait (24.8 days): the hooks just run.
        if (end.deadline === undefined || end.deadline - ctx.clock.now() > MAX_TIMER_MS) {
          await runner.drain();
          return false;
        }
        const left = new AbortController();
        const done = runner.drain().then(() => false);
        const late = ctx.clock.sleep(Math.max(0, end.deadline - ctx.clock.now()), left.signal).then(
          () => true,
          () => false,
        );
        const timedOut = await Promise.race([done, late]);
        left.abort();
        if (timedOut && runner.pending() > 0) {
          await stopAll(end.timeoutMs);
          return true;
        }
        return false;
      } finally {
        ctx.signal.removeEventListener('abort', finishing);
      }
    },
  };
}
