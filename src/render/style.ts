/**
 * Colours and the look of health: one place decides how a status, a verdict and a time look,
 * so `event get`, `list`, `watch` and `status` agree. Colour comes from chalk with its level set
 * from the IO decision (never from chalk's own detection).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { MonitorStatus } from '../api/types.js';
import type { Verdict } from '../domain/verdict.js';

export function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** Healthy green, InitialUnhealthy amber ("starting"), Unhealthy red — Feldera's console colours. */
export function paintStatus(c: ChalkInstance, status: MonitorStatus | string): string {
  switch (status) {
    case 'Healthy':
      return c.green(status);
    case 'InitialUnhealthy':
      return c.yellow(status);
    case 'Unhealthy':
      return c.red(status);
    default:
      return status;
  }
}

/** A status mark usable without colour too. */
export function statusSymbol(status: MonitorStatus | string): string {
  return status === 'Healthy' ? '✓' : status === 'InitialUnhealthy' ? '…' : '✗';
}

export function paintVerdict(c: ChalkInstance, verdict: Verdict, text: string = verdict): string {
  return verdict === 'healthy' ? c.green.bold(text) : verdict === 'stale' ? c.magenta.bold(text) : c.red.bold(text);
}
