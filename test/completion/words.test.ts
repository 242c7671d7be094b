import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { Factory } from '../../src/commands/factory.js';
import { completionAnswer } from '../../src/completion/scripts.js';
import { complete } from '../../src/completion/words.js';

const f: Factory = { run: async () => {} };
const root = buildProgram(f);
const profiles = { profiles: () => ['prod', 'staging'] };
const values = (line: string) => complete(root, line.split(' '), profiles).candidates.map((c) => c.value);

describe('completion candidates from the command tree', () => {
  it('commands and subcommands; the hidden __complete is never offered', () => {
    expect(values('')).toEqual([
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
      'help',
    ]);
    expect(values('_')).toEqual([]);
    expect(values('events w')).toEqual(['watch']); // the alias leads to the same verbs
  });

  it("a command's own flags, then the global ones (accepted below every command)", () => {
    expect(values('exporter --')).toEqual([
      '--listen',
      '--min-interval',
      '--stale-after',
      '--all-profiles',
      '--profiles',
      '--probe-only',
      '--allow-target',
      '--target-credentials',
      '--web-config',
      '--max-connections',
      '--help',
      '--host',
      '--profile',
      '--tenant',
      '--insecure',
      '--ca-cert',
      '--request-timeout',
      '--retries',
      '--color',
      '--no-color',
      '--verbose',
    ]);
    expect(values('event watch --exec')).toEqual([
      '--exec',
      '--exec-timeout',
      '--exec-on',
      '--exec-min-interval',
      '--exec-payload',
    ]);
    expect(values('-')).toContain('--version');
    expect(values('status -')).not.toContain('--version');
  });

  it('values: fixed sets, profiles (also as a comma list), files where a flag takes a path, nothing for free text', () => {
    expect(values('event list --service ')).toEqual(['api', 'compiler', 'runner']);
    expect(values('event get latest -s ')).toEqual(['status', 'all']);
    expect(values('--profile s')).toEqual(['staging']);
    expect(values('status -p staging,')).toEqual(['staging,prod']);
    expect(values('status --profiles=prod,s')).toEqual(['--profiles=prod,staging']);
    expect(complete(root, ['--ca-cert', ''], profiles)).toEqual({ candidates: [], files: true });
    expect(complete(root, ['event', 'list', '--since', ''], profiles)).toEqual({ candidates: [], files: false });
  });

  it('a flag value is skipped when finding the command and the positional argument', () => {
    expect(values('--profile prod event g')).toEqual(['get']);
    expect(values('event get --selector all ')).toEqual(['latest']);
    expect(values('event get latest ')).toEqual([]);
    expect(values('profile use ')).toEqual(['prod', 'staging']);
  });

  it("the answer: value<TAB>description lines, then the directive; tabs and newlines in a text can't break it", () => {
    expect(completionAnswer({ candidates: [{ value: 'a', description: 'x\ty\nz' }], files: true })).toBe(
      'a\tx y z\n:files\n',
    );
    expect(completionAnswer({ candidates: [], files: false })).toBe(':\n');
  });
});
