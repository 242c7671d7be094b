/**
 * The look of a service's monitor status, in one place so every command agrees: its mark and colour
 * (Feldera's console colours: Healthy green, InitialUnhealthy amber "starting", Unhealthy red). A
 * verdict's look is render/verdict.ts's. Functions of a chalk instance handed in, so this module
 * loads no colour library; a level-0 instance paints nothing.
 */
import type { ChalkInstance } from 'chalk';
import type { MonitorStatus } from '../api/types.js';
import { sanitizeLine } from '../io/sanitize.js';

/** A status mark usable without colour too. */
export function statusSymbol(status: MonitorStatus | string): string {
  if (status === 'Healthy') return '✓';
  return status === 'InitialUnhealthy' ? '…' : '✗';
}

function colourOf(c: ChalkInstance, status: MonitorStatus | string): (s: string) => string {
  if (status === 'Healthy') return c.green;
  if (status === 'InitialUnhealthy') return c.yellow;
  if (status === 'Unhealthy') return c.red;
  return (s: string) => s;
}

/** The status word, coloured. */
export function paintStatus(c: ChalkInstance, status: MonitorStatus | string): string {
  return colourOf(c, status)(sanitizeLine(status));
}

/** The status's mark, coloured. */
export function paintSymbol(c: ChalkInstance, status: MonitorStatus | string): string {
  return colourOf(c, status)(statusSymbol(status));
}

/** `✓ Healthy` as one coloured cell; `short` writes InitialUnhealthy as `starting` (narrow tables). */
export function paintStatusCell(c: ChalkInstance, status: MonitorStatus | string, short = false): string {
  const word = short && status === 'InitialUnhealthy' ? 'starting' : sanitizeLine(status);
  return (status === 'Healthy' || status === 'InitialUnhealthy' ? colourOf(c, status) : c.red)(
    `${statusSymbol(status)} ${word}`,
  );
}
