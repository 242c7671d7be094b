/**
 * Flags several commands share, each defined once: its name, help, parser (a bad value is a usage
 * error naming the flag, exit 64, before any request) and default. A command's constructor adds
 * the ones it takes; its action receives the parsed, typed values.
 */
import { Option } from 'commander';
import { SELECTORS, SERVICES, type Selector } from '../api/types.js';
import { type EventIdSpec, parseEventId } from '../domain/event-id.js';
import { parseLimit, parseService } from '../domain/history.js';
import { AUTO, parseStaleAfterSpec } from '../domain/staleness.js';
import { CliError, usageError } from '../errors.js';
import { didYouMean, withSuggestion } from '../util/suggest.js';
import { parseDurationFlag, parseWhenSpec } from '../util/when.js';

/** `--json`, with what it prints. */
export function jsonOption(what = 'print JSON'): Option {
  return new Option('--json', what);
}

export function utcOption(): Option {
  return new Option('--utc', 'show times in UTC');
}

/** A duration flag (`--interval 5s`), parsed to milliseconds, at least `minMs`. */
export function durationOption(flags: string, help: string, minMs: number): Option {
  const name = flags.split(/[ ,]/)[0]!;
  return new Option(flags, help).argParser((v: string) => parseDurationFlag(v, name, minMs));
}

/**
 * `--stale-after auto|DURATION`: typed once (`StaleAfterSpec`); commands resolve it into a limit
 * with queries/stale-limit.ts.
 */
export function staleAfterOption(
  help = 'an all-healthy latest event older than this means the recorder stopped',
): Option {
  return new Option(
    '--stale-after <auto|duration>',
    `${help}; auto: 2.25 × this instance's healthy period as learned from its event history (45m until one is known)`,
  )
    .argParser(parseStaleAfterSpec)
    .default(AUTO, 'auto');
}

/** `--since` / `--until` of the history commands: a duration back from now, or an RFC 3339 time. */
export function whenOption(flag: '--since' | '--until', help: string): Option {
  return new Option(`${flag} <when>`, help).argParser((v: string) => parseWhenSpec(v, flag));
}

export function serviceOption(help: string): Option {
  return new Option('--service <service>', help).choices(SERVICES).argParser((v: string) => {
    try {
      return parseService(v);
    } catch (e) {
      throw suggesting(e, v, SERVICES);
    }
  });
}

/** A usage error about `value` with "did you mean …?" put in front of its hint when a candidate is close. */
export function suggesting(e: unknown, value: string, candidates: Iterable<string>): unknown {
  const suggestion = didYouMean(value, candidates);
  if (!(e instanceof CliError) || suggestion === undefined) return e;
  return new CliError(e.message, {
    exitCode: e.exitCode,
    kind: e.kind,
    hint: withSuggestion(suggestion, e.hint),
    cause: e.cause,
  });
}

export function limitOption(): Option {
  return new Option('--limit <n>', 'at most this many events (the newest)').argParser((v: string) => parseLimit(v));
}

/** One value of a fixed set, with the project's wording for a bad one; the help lists the choices. */
export function choiceOption<T extends string>(flags: string, help: string, values: readonly T[]): Option {
  const name = flags.split(/[ ,]/).find((p) => p.startsWith('--'))!;
  return new Option(flags, help).choices(values).argParser((v: string): T => {
    if ((values as readonly string[]).includes(v)) return v as T;
    throw usageError(
      `invalid ${name} "${v}": expected ${values.length === 2 ? values.join(' or ') : `one of ${values.join(', ')}`}`,
      didYouMean(v, values),
    );
  });
}

export function selectorOption(): Option {
  return choiceOption<Selector>(
    '-s, --selector <selector>',
    "status: statuses only; all: with the services' reports",
    SELECTORS,
  ).default('status');
}

/** The `<id>` argument: `latest`, a full event id, or a prefix of 8+ hex characters. */
export function eventIdArgument(value: string): EventIdSpec {
  try {
    return parseEventId(value);
  } catch (e) {
    // `lastest`, `lates`: a mistyped `latest` rather than an id.
    throw suggesting(e, value, ['latest']);
  }
}

/**
 * commander's own usage error in the project's shape: the error on one line, and a hint that starts
 * with its suggestion — commander's "(Did you mean event?)" for an unknown command or option, or ours
 * for a value outside an argument's choices ("Allowed choices are bash, zsh, fish.") — then `usage`.
 */
export function commanderProblem(text: string, usage: string): { message: string; hint: string } {
  const t = text.replace(/^error: /, '').trim();
  const own = /\s*\(Did you mean (.+?)\?\)$/s.exec(t);
  if (own) return { message: t.slice(0, own.index).trim(), hint: `did you mean ${own[1]}? ${usage}` };
  const choice = /'([^']*)' is invalid.*Allowed choices are (.+)\.$/s.exec(t);
  const suggestion = choice ? didYouMean(choice[1]!, choice[2]!.split(', ')) : undefined;
  return { message: t, hint: withSuggestion(suggestion, usage) ?? usage };
}

/** The `Examples:` block that follows a command's options in its help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
