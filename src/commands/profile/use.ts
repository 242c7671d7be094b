/** `cluster profile use NAME`: make a stored profile the current one. */
import { Command } from 'commander';
import { getProfile, profileNames, updateConfig } from '../../config/profiles.js';
import type { Context } from '../../context.js';
import { CliError, EXIT, usageError } from '../../errors.js';
import { sanitizeLine } from '../../io/sanitize.js';
import { didYouMean, withSuggestion } from '../../util/suggest.js';
import type { Factory, Run } from '../factory.js';
import { examples } from '../flags.js';

export interface ProfileUseOptions {
  name: string;
}

export function newCmdProfileUse(f: Factory, runF: Run<ProfileUseOptions> = profileUseRun): Command {
  return new Command('use')
    .description('make a profile the current one')
    .argument('<name>', 'profile name')
    .addHelpText(
      'after',
      examples('cluster profile use prod', 'CLUSTER_PROFILE=staging cluster status     (one command only)'),
    )
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      if (name === '') throw usageError('missing profile name', 'usage: cluster profile use NAME');
      await f.run(cmd, runF, { name });
    });
}

export async function profileUseRun(opts: ProfileUseOptions, ctx: Context): Promise<number> {
  const { io, env } = ctx;
  const config = ctx.config();
  const profile = getProfile(config, opts.name);
  if (!profile) {
    const known = profileNames(config);
    throw new CliError(`no profile named "${opts.name}"`, {
      hint: known.length
        ? withSuggestion(didYouMean(opts.name, known), `known profiles: ${known.join(', ')}`)
        : 'there are no stored profiles; create one with `cluster login`',
      kind: 'config',
    });
  }
  if (config.current !== opts.name) await updateConfig(env, (data) => ({ ...data, current: opts.name }));
  io.stdout.write(`Now using profile "${opts.name}" (${sanitizeLine(profile.host)}).\n`);
  if (env.CLUSTER_PROFILE && env.CLUSTER_PROFILE !== opts.name) {
    ctx.printer.note(`note: CLUSTER_PROFILE=${env.CLUSTER_PROFILE} overrides the current profile in this shell`);
  }
  return EXIT.OK;
}
