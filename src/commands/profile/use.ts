/** `cluster profile use NAME`: make a stored profile the current one. */
import { getProfile, profileNames, updateConfig } from '../../config/profiles.js';
import type { Context } from '../../context.js';
import { CliError, EXIT, usageError } from '../../errors.js';
import { sanitizeLine } from '../../io/sanitize.js';

export async function run(_opts: Record<string, unknown>, ctx: Context, args: string[]): Promise<number> {
  const { io, env } = ctx;
  const name = args[0];
  if (name === undefined || name === '') throw usageError('missing profile name', 'usage: cluster profile use NAME');
  const config = ctx.config();
  const profile = getProfile(config, name);
  if (!profile) {
    const known = profileNames(config);
    throw new CliError(`no profile named "${sanitizeLine(name)}"`, {
      hint: known.length ? `known profiles: ${known.join(', ')}` : 'there are no stored profiles; create one with `cluster login`',
      kind: 'config',
    });
  }
  if (config.current !== name) {
    await updateConfig(env, (data) => ({ ...data, current: name }));
  }
  io.stdout.write(`Now using profile "${name}" (${sanitizeLine(profile.host)}).\n`);
  if (env.CLUSTER_PROFILE && env.CLUSTER_PROFILE !== name) {
    io.stderr.write(`note: CLUSTER_PROFILE=${sanitizeLine(env.CLUSTER_PROFILE)} overrides the current profile in this shell\n`);
  }
  return EXIT.OK;
}
