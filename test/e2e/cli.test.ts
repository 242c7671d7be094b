import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempConfigDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('the cluster binary', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('the fast paths print what the program prints: version, and root help where the terminal is wide enough', async () => {
    const fastHelp = await runCli(['--help']);
    const slowHelp = await runCli(['--help', '--verbose']); // not a fast path: the program renders it
    expect(fastHelp.code).toBe(0);
    expect(fastHelp.stdout).toBe(slowHelp.stdout);
    expect((await runCli(['-h'])).stdout).toBe(slowHelp.stdout);
    expect((await runCli(['-V'])).stdout).toBe(`${pkg.version}\n`);
    for (const l of fastHelp.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    // Piped with a narrow COLUMNS the program wraps narrower: the fast path must not answer then.
    const narrow = await runCli(['--help'], { env: { COLUMNS: '40' } });
    expect(narrow.stdout).toBe((await runCli(['--help', '--verbose'], { env: { COLUMNS: '40' } })).stdout);
    expect(narrow.stdout).not.toBe(fastHelp.stdout);
  });

  it('a pipe closed before the output is written ends quietly (EPIPE), fast paths and the program alike', async () => {
    const { spawnSync } = await import('node:child_process');
    // The reader is gone before the writer starts: every write meets a closed pipe.
    const closed = (args: string) =>
      `{ sleep 0.3; "${process.execPath}" "${BIN}" ${args}; echo "exit $?" >&2; } | true`;
    const r = spawnSync('sh', ['-c', [closed('--help'), closed('--version'), closed('version --client')].join('; ')], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('exit 0\nexit 0\nexit 0\n');
  });

  it.each([
    ['a path under a file', '/etc/hostname/cache'],
    ['a folder under /proc (where mkdir -p never returns)', '/proc/no-such-folder'],
    ['a missing parent', '/no-such-root/cache'],
  ])('runs where the compile cache folder cannot be made (%s), without a word about it', async (_what, dir) => {
    const r = await runCli(['event', 'get', '--help'], { env: { XDG_CACHE_HOME: dir } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: cluster event get');
  });

  it('-V prints only its own version; `cluster version --client` says the same as a key: value line', async () => {
    const [v, c] = await Promise.all([runCli(['-V']), runCli(['version', '--client'])]);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    expect(c).toMatchObject({ code: 0, stdout: `client: ${pkg.version}\n`, stderr: '' });
  });

  it('answers to both binary names', () => {
    expect(pkg.bin.cluster).toBe('bin/cluster.js');
    expect(pkg.bin['feldera-cluster']).toBe('bin/cluster.js');
  });

  it('shows help with every command and examples', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['simulate', 'login', 'logout', 'profile', 'auth', 'event', 'status'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it('shows help for a command through `help`', async () => {
    const r = await runCli(['help', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cluster status');
    expect(r.stdout).toContain('--all-profiles');
    expect(r.stdout).toContain('--host <url>'); // global options are listed too
  });

  it.each([
    [['frobnicate'], /error: unknown command 'frobnicate'/],
    [['evnt'], /^error: unknown command 'evnt'\nhint: did you mean event\? run `cluster --help` for usage\n$/],
    [['event', 'get', 'lastest'], /^error: invalid event id "lastest".*\nhint: did you mean latest\? /],
    [['event', 'get', 'latest', '--bogus'], /error: unknown option '--bogus'/],
    [['event', 'get', 'latest', '--selector', 'some'], /invalid --selector "some": expected status or all/],
    [['event', 'get'], /missing required argument 'id'/],
  ])('rejects %j with exit 64, a one-line error and a hint', async (args, pattern) => {
    const r = await runCli(args, { env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).toMatch(/cluster --help|did you mean/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^error: .*\nhint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
