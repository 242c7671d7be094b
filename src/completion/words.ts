/**
 * What to offer for a partly typed command line, read from the commander tree itself, so every
 * command, flag and fixed set of values (`.choices()`: `--selector`, `--until`, `--format`, …) is
 * offered as the parser accepts it, with nothing to keep in step by hand. Profile names come from
 * the config at completion time; flags that take another kind of value offer file names.
 *
 * `words` are the words after the program name; the last is the one being completed (empty right
 * after a space). Global flags are accepted below every command, so they are offered there too.
 */
import type { Command, Option } from 'commander';
import { BUILTIN_SCENARIO_NAMES } from '../simulator/scenario.js';

export interface Candidate {
  value: string;
  description: string;
}

export interface Completion {
  candidates: Candidate[];
  /** Offer file names as well (a flag that takes a path, such as --ca-cert or --scenario). */
  files: boolean;
}

export interface CompletionSources {
  /** Stored profile names (read lazily: only when a profile is being completed). */
  profiles(): string[];
}

/** Values besides `.choices()` that some flags and arguments take. */
const PROFILE_FLAGS = new Set(['--profile', '--profiles']);
const PROFILE_ARGS = new Set(['profile use']);
const FIXED_ARGS: Record<string, string[]> = { 'event get': ['latest'] };
/** Flags whose value is a name from a fixed set or a file. */
const NAMED_OR_FILE: Record<string, readonly string[]> = { '--scenario': BUILTIN_SCENARIO_NAMES };

const takesValue = (o: Option): boolean => o.required || o.optional;

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The command's own flags, then (below the root) the global ones. */
function flagsOf(cmd: Command, root: Command): Option[] {
  const own = cmd.createHelp().visibleOptions(cmd);
  if (cmd === root) return own;
  const globals = root.options.filter((o) => !o.hidden && o.long !== '--version');
  return [...own, ...globals];
}

function findFlag(cmd: Command, root: Command, word: string): Option | undefined {
  return flagsOf(cmd, root).find((o) => o.long === word || o.short === word);
}

function startingWith(values: readonly string[], prefix: string, description = ''): Candidate[] {
  return values.filter((v) => v.startsWith(prefix)).map((value) => ({ value, description }));
}

/** `-p prod,sta` → `prod,staging`: the names not yet given, after the ones that are. */
function profileList(prefix: string, src: CompletionSources): Candidate[] {
  const done = prefix.split(',');
  const last = done.pop()!;
  const head = done.length ? `${done.join(',')},` : '';
  return src
    .profiles()
    .filter((p) => p.startsWith(last) && !done.includes(p))
    .map((p) => ({ value: head + p, description: 'profile' }));
}

function flagValues(flag: Option, prefix: string, src: CompletionSources): Completion {
  const long = flag.long ?? '';
  if (flag.argChoices) return { candidates: startingWith(flag.argChoices, prefix), files: false };
  if (long === '--profiles') return { candidates: profileList(prefix, src), files: false };
  if (PROFILE_FLAGS.has(long)) return { candidates: startingWith(src.profiles(), prefix, 'profile'), files: false };
  const named = NAMED_OR_FILE[long];
  if (named) return { candidates: startingWith(named, prefix), files: true };
  return { candidates: [], files: /<[^>]*file[^>]*>/.test(flag.flags) };
}

function argumentValues(cmd: Command, index: number, prefix: string, src: CompletionSources): Candidate[] {
  const arg = cmd.registeredArguments[Math.min(index, cmd.registeredArguments.length - 1)];
  if (!arg || (index >= cmd.registeredArguments.length && !arg.variadic)) return [];
  if (arg.argChoices) return startingWith(arg.argChoices, prefix);
  const path = pathOf(cmd);
  if (PROFILE_ARGS.has(path)) return startingWith(src.profiles(), prefix, 'profile');
  return startingWith(FIXED_ARGS[path] ?? [], prefix);
}

/** Where the words before the one being completed leave the command line. */
interface Typed {
  /** The (sub)command they name. */
  cmd: Command;
  /** How many of its arguments they hold. */
  positional: number;
  /** A flag whose value is the word being completed. */
  pending: Option | undefined;
}

function readTyped(root: Command, typed: readonly string[]): Typed {
  const at: Typed = { cmd: root, positional: 0, pending: undefined };
  for (const w of typed) {
    if (at.pending) {
      at.pending = undefined;
      continue;
    }
    if (w.startsWith('-') && w !== '-') {
      const flag = w.includes('=') ? undefined : findFlag(at.cmd, root, w);
      if (flag && takesValue(flag)) at.pending = flag;
      continue;
    }
    const sub = at.cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub && at.positional === 0) at.cmd = sub;
    else at.positional++;
  }
  return at;
}

export function complete(root: Command, words: readonly string[], src: CompletionSources): Completion {
  const current = words.at(-1) ?? '';
  const { cmd, positional, pending } = readTyped(root, words.length ? words.slice(0, -1) : []);
  if (pending) return flagValues(pending, current, src);
  const eq = /^(--[^=]+)=(.*)$/.exec(current);
  if (eq) {
    const flag = findFlag(cmd, root, eq[1]!);
    if (!flag || !takesValue(flag)) return { candidates: [], files: false };
    const v = flagValues(flag, eq[2]!, src);
    return { ...v, candidates: v.candidates.map((c) => ({ ...c, value: `${eq[1]}=${c.value}` })) };
  }
  if (current.startsWith('-')) {
    const flags = flagsOf(cmd, root).flatMap((o) =>
      [o.long, o.short]
        .filter((f): f is string => typeof f === 'string' && f.startsWith(current))
        .slice(0, 1)
        .map((value) => ({ value, description: o.description })),
    );
    return { candidates: flags, files: false };
  }
  const subs =
    positional === 0
      ? cmd
          .createHelp()
          .visibleCommands(cmd)
          .filter((c) => c.name().startsWith(current))
          .map((c) => ({ value: c.name(), description: c.description() }))
      : [];
  return { candidates: [...subs, ...argumentValues(cmd, positional, current, src)], files: false };
}
