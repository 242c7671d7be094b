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
    expect(typo.err).toMatch(/Did you mean status\?/);
    const verb = await run(['event', 'gte']);
    expect(verb.code).toBe(64);
    expect(verb.err).toMatch(/Did you mean get\?/);
  });

  it('`cluster help <command>` shows that command with the whole tree built', async () => {
    const help = await run(['help', 'status']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: cluster status/);
  });
});
