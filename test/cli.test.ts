/**
 * The command tree is built for the command line: when its first word names a command, only that
 * branch; otherwise every command, so that root help, typo suggestions and `help <command>` still
 * see all of them. Parsing through `execute` shows the user-visible side of both.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, execute, type RunState } from '../src/cli.js';
import type { Factory } from '../src/commands/factory.js';
import { bufferIO } from './helpers/io.js';

const ran: string[] = [];
const f: Factory = {
  run: async (cmd) => {
    ran.push(cmd.name());
  },
};
const names = (args?: string[]) => buildProgram(f, args).commands.map((c) => c.name());
const ALL = [
  'simulate',
  'login',
  'logout',
  'profile',
  'auth',
  'event',
  'status',
  'check',
  'version',
  'exporter',
  'completion',
  '__complete',
];

async function run(args: string[]) {
  const io = bufferIO();
  const state: RunState = { code: 0, json: false };
  const code = await execute(buildProgram(f, args), args, io, state);
  return { code, out: io.out(), err: io.err() };
}

describe('the command tree for a command line', () => {
  it('a first word that names a command (or its alias) builds that branch alone', () => {
    expect(names(['event', 'get', 'latest'])).toEqual(['event']);
    expect(names(['events', 'list'])).toEqual(['event']);
    expect(names(['status', '--json'])).toEqual(['status']);
  });

  it('no word, an option first, a typo, help or __complete: the whole tree', () => {
    expect(names()).toEqual(ALL);
    expect(names([])).toEqual(ALL);
    expect(names(['--profile', 'prod', 'status'])).toEqual(ALL);
    expect(names(['stauts'])).toEqual(ALL);
    expect(names(['help', 'status'])).toEqual(ALL);
    expect(names(['__complete', 'ev'])).toEqual(ALL);
  });

  it('runs the same: the branch parses its verbs, a typo is still suggested, an option first still works', async () => {
    ran.length = 0;
    expect((await run(['event', 'get', 'latest'])).code).toBe(0);
    expect((await run(['--no-color', 'status'])).code).toBe(0);
    expect(ran).toEqual(['get', 'status']);
    const typo = await run(['stauts']);
    expect(typo.code).toBe(64);
    expect(typo.err).toMatch(/^hint: did you mean status\?/m);
    const verb = await run(['event', 'gte']);
    expect(verb.code).toBe(64);
    expect(verb.err).toMatch(/^hint: did you mean get\?/m);
  });

  it('`cluster help <command>` shows that command with the whole tree built', async () => {
    const help = await run(['help', 'status']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: cluster status/);
  });
});

describe('did you mean: one error line, the suggestion in the hint', () => {
  it.each([
    [['evnt', 'list'], "unknown command 'evnt'", 'did you mean event? run `cluster --help` for usage'],
    [
      ['status', '--jsn'],
      "unknown option '--jsn'",
      'did you mean --json? run `cluster status --help` for usage, `cluster --help` for every command',
    ],
    [['event', 'lst'], "unknown command 'lst'", 'did you mean one of list, ls? run `cluster event --help` for usage'],
    [['event', 'get', 'lastest'], 'invalid event id "lastest"', 'did you mean latest? give `latest`'],
    [
      ['event', 'get', 'latest', '--selector', 'al'],
      'invalid --selector "al": expected status or all',
      'did you mean all?',
    ],
    [['event', 'list', '--service', 'compilr'], 'invalid --service "compilr"', 'did you mean compiler?'],
    [['status', '--format', 'nagois'], 'invalid --format "nagois"', 'did you mean nagios?'],
    [['event', 'watch', '--until', 'helthy'], 'invalid --until "helthy"', 'did you mean healthy?'],
    [['check', '--stale-state', 'warnig'], 'invalid --stale-state "warnig"', 'did you mean warning?'],
    [['completion', 'bahs'], "value 'bahs' is invalid for argument 'shell'", 'did you mean bash?'],
  ])('%j', async (args, message, hint) => {
    const r = await run(args);
    expect(r.code).toBe(64);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toContain(message);
    expect(lines[0]).not.toMatch(/did you mean/i);
    expect(lines[1]).toMatch(/^hint: did you mean /);
    expect(lines[1]).toContain(hint);
  });

  it('--json: the error object has the suggestion in its hint, not in its message', async () => {
    const r = await run(['event', 'get', 'latest', '--json', '--selctor', 'all']);
    expect(r.code).toBe(64);
    const { error } = JSON.parse(r.out) as { error: { message: string; hint: string } };
    expect(error.message).toBe("unknown option '--selctor'");
    expect(error.hint).toMatch(/^did you mean --selector\? run `cluster event get --help`/);
  });

  it('nothing close: no suggestion, the usual hint', async () => {
    const r = await run(['status', '--format', 'xyz']);
    expect(r.code).toBe(64);
    expect(r.err).not.toMatch(/did you mean/i);
    expect(r.err).toMatch(/^hint: run `cluster status --help` for usage/m);
    const cmd = await run(['frobnicate']);
    expect(cmd.err).not.toMatch(/did you mean/i);
    expect(cmd.err.trimEnd().split('\n')).toEqual([
      "error: unknown command 'frobnicate'",
      'hint: run `cluster --help` for usage',
    ]);
  });
});
