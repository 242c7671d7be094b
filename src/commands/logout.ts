import type { Context } from '../context.js';
import { CliError } from '../errors.js';

// PLACEHOLDER: being written.
export async function run(_opts: Record<string, unknown>, _ctx: Context): Promise<number> {
  throw new CliError('not implemented yet');
}
