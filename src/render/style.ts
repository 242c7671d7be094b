/**
 * The chalk instance output is painted with, its level set from the IO's colour decision (never
 * from chalk's own detection). The only module that loads chalk; render/kit.ts loads it when a
 * command draws for a terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
