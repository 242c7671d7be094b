/**
 * `cluster completion bash|zsh|fish` prints a shell completion script; the hidden
 * `cluster __complete -- WORD…` is what that script calls at each Tab: it answers from the command
 * tree it is part of (src/completion/words.ts) and the stored profiles, and never fails loudly —
 * a completion that goes wrong offers nothing rather than printing into the user's prompt.
 */
import { Argument, Command } from 'commander';
import { completionAnswer, completionScript, SHELLS, type Shell } from '../completion/scripts.js';
import { complete } from '../completion/words.js';
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { Factory, Run } from './factory.js';
import { examples } from './flags.js';

export interface CompletionOptions {
  shell: Shell;
}

export function newCmdCompletion(f: Factory, runF: Run<CompletionOptions> = completionRun): Command {
  return new Command('completion')
    .description('print a shell completion script (commands, flags, values, profile names)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      examples(
        'source <(cluster completion bash)                 in ~/.bashrc',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh syntax in an example, not a template
        'cluster completion zsh > "${fpath[1]}/_cluster"   then restart zsh',
        'cluster completion fish > ~/.config/fish/completions/cluster.fish',
      ),
    )
    .action(async (shell: Shell, _flags: unknown, cmd: Command) => {
      await f.run(cmd, runF, { shell });
    });
}

export async function completionRun(opts: CompletionOptions, ctx: Context): Promise<number> {
  ctx.io.stdout.write(completionScript(opts.shell));
  return EXIT.OK;
}

export interface CompleteOptions {
  words: string[];
  /** The whole command tree, to complete against. */
  root: Command;
}

export function newCmdComplete(f: Factory, runF: Run<CompleteOptions> = completeRun): Command {
  return new Command('__complete')
    .description('candidates for a partly typed command line (used by the completion scripts)')
    .argument('[words...]', 'the words after the program name; the last one is being completed')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[], _flags: unknown, cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      await f.run(cmd, runF, { words, root });
    });
}

export async function completeRun(opts: CompleteOptions, ctx: Context): Promise<number> {
  const profiles = () => {
    try {
      return Object.keys(ctx.config().profiles).sort();
    } catch {
      return []; // an unreadable config offers no names; `cluster profile list` says why
    }
  };
  ctx.io.stdout.write(completionAnswer(complete(opts.root, opts.words, { profiles })));
  return EXIT.OK;
}
