/**
 * Shell completion as a shell runs it: bash sources `cluster completion bash` (the built binary,
 * called as `cluster` through a shell function, as after `npm link`), then the completion
 * function is called for partly typed lines the way bash calls it, and COMPREPLY is read back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../helpers/cli.js';

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-completion-'));
  const profile = (host: string) => ({ host, auth: { kind: 'none' } });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      current: 'prod',
      profiles: {
        prod: profile('https://prod.example.com'),
        staging: profile('https://staging.example.com'),
        'stage-eu': profile('https://eu.example.com'),
      },
    }),
    { mode: 0o600 },
  );
  return dir;
}

/**
 * Each case: the line typed so far (completion at its end) and, where bash splits it further
 * (COMP_WORDBREAKS: `=` and `:` are words of their own), the words bash makes of it.
 */
function bashComplete(cases: { line: string; words?: string[] }[], dir: string): string[] {
  const script = [
    `cluster() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }`,
    'source <(cluster completion bash)',
    'complete -p cluster',
    ...cases.map(({ line, words }) => {
      const w = words ?? [...line.split(/\s+/).filter((x) => x !== ''), ...(/\s$/.test(line) ? [''] : [])];
      return [
        `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
        `COMP_WORDS=(${w.map((x) => `'${x}'`).join(' ')}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, for bash to expand
        '_cluster_completion; echo "[$(printf "%s\\n" "${COMPREPLY[@]}" | grep -v "^$" | sort | paste -sd" " -)]"',
      ].join('\n');
    }),
  ].join('\n');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: cleanEnv({ CLUSTER_CONFIG_DIR: dir }),
    encoding: 'utf8',
    cwd: dir,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('e2e: completion', () => {
  it('bash: commands, flags, fixed values, and profile names read from the config at completion time', () => {
    const dir = configDir();
    writeFileSync(join(dir, 'scenario.json'), '{}');
    const [registered, ...offered] = bashComplete(
      [
        { line: 'cluster ' },
        { line: 'cluster ev' },
        { line: 'cluster event ' },
        { line: 'cluster event get ' },
        { line: 'cluster status --f' },
        { line: 'cluster status --format ' },
        { line: 'cluster event get latest --selector ' },
        { line: 'cluster event watch --until ' },
        { line: 'cluster status --profile ' },
        { line: 'cluster status --profile st' },
        { line: 'cluster status -p prod,' },
        { line: 'cluster profile use stagi' },
        { line: 'cluster status --format=n', words: ['cluster', 'status', '--format', '=', 'n'] },
        { line: 'cluster completion ' },
        { line: 'cluster simulate --scenario s' },
      ],
      dir,
    );
    expect(registered).toMatch(/^complete .*-F _cluster_completion cluster$/);
    expect(offered).toEqual([
      '[auth check completion event exporter help login logout profile simulate status version]',
      '[event]',
      '[get help incidents list timeline watch]',
      '[latest]',
      '[--format]',
      '[json nagios text]',
      '[all status]',
      '[change healthy unhealthy]',
      '[prod stage-eu staging]',
      '[stage-eu staging]',
      '[prod,stage-eu prod,staging]',
      '[staging]',
      '[nagios]',
      '[bash fish zsh]',
      '[scenario.json slow-checks stalled startup]',
    ]);
  });

  it('a profile stored after the script was loaded is offered too; a broken config offers nothing and prints nothing', () => {
    const dir = configDir();
    const before = bashComplete([{ line: 'cluster --profile ' }], dir);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ profiles: { lab: { host: 'http://127.0.0.1:8080', auth: { kind: 'none' } } } }),
    );
    const after = bashComplete([{ line: 'cluster --profile ' }], dir);
    expect([before[1], after[1]]).toEqual(['[prod stage-eu staging]', '[lab]']);
    writeFileSync(join(dir, 'config.json'), '{ not json');
    expect(bashComplete([{ line: 'cluster status --profile ' }], dir)[1]).toBe('[]');
  });

  it('zsh and fish scripts name both programs and call back into __complete; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef cluster feldera-cluster\n/);
    expect(zsh.stdout).toContain('__complete --');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c feldera-cluster -f -a '(__cluster_complete)'");
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(
      /^error: command-argument value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish\./,
    );
    // __complete is not part of the help a user reads.
    expect((await runCli(['--help'])).stdout).not.toContain('__complete');
  });
});
