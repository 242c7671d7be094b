/**
 * What a slow request is doing, on one stderr line at a terminal: nothing for the first second
 * (most answers come sooner), then a spinner with the host and the seconds waited, or
 * `retrying (2/4) in 1s: <why>` while a retry waits; the line is erased as soon as the last
 * request ends, before anything else is printed. Fed by the client's `progress` callback with
 * `RequestProgress` events (defined here, so that io/ needs nothing from api/); only used where
 * both stdout and stderr are terminals.
 */
import { sanitizeLine } from './sanitize.js';
import { fitWidth } from './width.js';

/**
 * What a request is doing, for a progress display at a terminal (the client draws nothing): it
 * started, it failed and is tried again after `waitMs`, it ended (answered or not). `id` tells
 * concurrent requests apart.
 */
export type RequestProgress =
  | { kind: 'start'; id: number; host: string; endpoint: string }
  | { kind: 'retry'; id: number; attempt: number; attempts: number; reason: string; waitMs: number }
  | { kind: 'end'; id: number };

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ERASE = '\r\u001b[2K';

export interface ProgressOptions {
  write(s: string): void;
  /** Width of the terminal: the line is cut to fit, so that it can be erased in place. */
  columns: number;
  /** Quiet this long after a request starts (default 1 s). */
  delayMs?: number;
  /** Redraw this often (default 100 ms). */
  tickMs?: number;
  now?: () => number;
  /** Called with true when the line first shows, false once it is erased (e.g. to erase it on Ctrl-C). */
  onShown?: (shown: boolean) => void;
}

export interface Progress {
  /** The client's callback. */
  report(p: RequestProgress): void;
  /** Erase the line now (before an error is printed, or on Ctrl-C). */
  clear(): void;
}

interface Active {
  host: string;
  since: number;
  retry?: { attempt: number; attempts: number; reason: string; until: number };
}

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => Date.now());
  const delayMs = opts.delayMs ?? 1000;
  const active = new Map<number, Active>();
  let frame = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const line = (): string => {
    const [oldest] = [...active.values()].sort((a, b) => a.since - b.since);
    if (!oldest) return '';
    const spin = FRAMES[frame++ % FRAMES.length];
    const t = now();
    const r = oldest.retry;
    const text =
      r && r.until > t
        ? `retrying (${r.attempt}/${r.attempts}) in ${Math.ceil((r.until - t) / 1000)}s: ${r.reason}`
        : `waiting for ${oldest.host}${active.size > 1 ? ` and ${active.size - 1} more` : ''} · ${Math.floor((t - oldest.since) / 1000)}s`;
    return fitWidth(`${spin} ${sanitizeLine(text)}`, Math.max(10, opts.columns - 1));
  };
  const draw = () => {
    if (active.size === 0) return;
    if (!shown) {
      shown = true;
      opts.onShown?.(true);
    }
    opts.write(ERASE + line());
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (!shown) return;
    opts.write(ERASE);
    shown = false;
    opts.onShown?.(false);
  };
  const arm = () => {
    if (timer) return;
    // The first draw waits `delayMs`, then the line is redrawn every tick.
    timer = setTimeout(() => {
      draw();
      timer = setInterval(draw, opts.tickMs ?? 100);
      timer.unref();
    }, delayMs);
    timer.unref();
  };

  return {
    report(p) {
      if (p.kind === 'start') {
        active.set(p.id, { host: p.host, since: now() });
        arm();
      } else if (p.kind === 'retry') {
        const a = active.get(p.id);
        if (a) a.retry = { attempt: p.attempt, attempts: p.attempts, reason: p.reason, until: now() + p.waitMs };
      } else {
        active.delete(p.id);
        if (active.size === 0) stop();
      }
    },
    clear: stop,
  };
}
