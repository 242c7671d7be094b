/**
 * `event watch --exec`: the runner and the observer for one watch, and how each hook's outcome is
 * told on stderr (through the printer: sanitised, and never the credential, which no hook gets).
 * A failing, hanging or unstartable hook is a warning; the watch goes on.
 */
import type { Context } from '../context.js';
import { formatDuration } from '../util/duration.js';
import type { WatchObserver } from '../watch/types.js';
import { withHooks } from './observer.js';
import type { ExecOptions, HookOrigin } from './payload.js';
import { createHookRunner, type HookResult } from './runner.js';

export interface WatchHooks {
  observe(inner: WatchObserver): WatchObserver;
  /** Wait for every queued hook; after Ctrl-C, say so (a second one ends at once). */
  drain(aborted: boolean): Promise<void>;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.slice(0, 300) ?? '';
}

export function reportHook(ctx: Pick<Context, 'printer' | 'verbose'>, exec: ExecOptions, r: HookResult): void {
  const what = `the hook for event ${r.job.id}`;
  const why = lastLine(r.stderr);
  if (r.spawnError !== undefined) ctx.printer.warn(`${what} could not start: ${r.spawnError}`);
  else if (r.timedOut)
    ctx.printer.warn(`${what} ran longer than --exec-timeout ${formatDuration(exec.timeoutMs)} and was stopped`);
  else if (r.code !== 0)
    ctx.printer.warn(
      `${what} failed (${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`})${why ? `: ${why}` : ''}`,
    );
  else ctx.verbose(`${what} finished in ${Math.round(r.durationMs)} ms`);
  for (const [name, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    for (const line of text
      .trimEnd()
      .split('\n')
      .filter((l) => l !== ''))
      ctx.verbose(`hook ${name}: ${line}`);
  }
}

/** Hooks waiting beyond this many mean they are slower than the events: said once. */
export const BACKLOG_WARN = 10;

export function startHooks(exec: ExecOptions, ctx: Context, origin: HookOrigin): WatchHooks {
  const runner = createHookRunner({
    command: exec.command,
    timeoutMs: exec.timeoutMs,
    report: (r) => reportHook(ctx, exec, r),
  });
  let warned = false;
  const queue = {
    push(job: Parameters<typeof runner.push>[0]) {
      runner.push(job);
      if (!warned && runner.pending() > BACKLOG_WARN) {
        warned = true;
        ctx.printer.warn(
          `${runner.pending()} hooks are waiting: the hook is slower than the events (each may run up to --exec-timeout ${formatDuration(exec.timeoutMs)}); they still run in order`,
        );
      }
    },
  };
  const finishing = () => {
    const n = runner.pending();
    if (n > 0) ctx.printer.note(`finishing ${n === 1 ? '1 hook' : `${n} hooks`} (Ctrl-C again to stop at once)`);
  };
  return {
    observe: (inner) => withHooks(inner, { on: exec.on, origin, env: ctx.env, runner: queue }),
    async drain(aborted) {
      if (aborted) finishing();
      // A Ctrl-C while waiting (after --until or --timeout ended the watch) is answered too.
      else ctx.signal.addEventListener('abort', finishing, { once: true });
      try {
        await runner.drain();
      } finally {
        ctx.signal.removeEventListener('abort', finishing);
      }
    },
  };
}
