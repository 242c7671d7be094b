import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newCmdLogout, nextCurrent } from '../../src/commands/logout.js';
import { LOCK_NAME, withConfigLock } from '../../src/config/lock.js';
import { type ConfigData, configPath, readConfig } from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';
import { tempConfigDir } from '../helpers/cli.js';
import { argvOf, runOrThrow } from '../helpers/command.js';
import { type BufferIO, bufferIO } from '../helpers/io.js';
import { whenCreated } from '../helpers/wait.js';

const logout = (opts: Record<string, unknown>, io: BufferIO) => runOrThrow(newCmdLogout, argvOf(opts), { io });

const KEY = `apikey:AbCd${'z'.repeat(60)}wxyz`;

function stored(data: ConfigData, env: Record<string, string> = {}) {
  const dir = tempConfigDir();
  const fullEnv = { CLUSTER_CONFIG_DIR: dir, ...env };
  writeFileSync(configPath(fullEnv), JSON.stringify(data));
  const io = bufferIO({ env: fullEnv });
  const go = (opts: Record<string, unknown> = {}) => logout(opts, io);
  return { env: fullEnv, io, go, read: () => readConfig(fullEnv) };
}

const three: ConfigData = {
  current: 'prod',
  profiles: {
    default: { host: 'http://127.0.0.1:8080', auth: { kind: 'none' } },
    prod: { host: 'https://prod.example.com', auth: { kind: 'apikey', apiKey: KEY } },
    staging: { host: 'https://staging.example.com', auth: { kind: 'token-command', command: 'tok' } },
  },
};

describe('logout', () => {
  it('removes the current profile; current moves to default', async () => {
    const t = stored(three);
    expect(await t.go()).toBe(0);
    const cfg = t.read();
    expect(Object.keys(cfg.profiles).sort()).toEqual(['default', 'staging']);
    expect(cfg.current).toBe('default');
    expect(t.io.out()).toContain('Removed profile "prod" (https://prod.example.com).');
    expect(t.io.out()).toContain('The current profile is now "default".');
    expect(t.io.err()).toContain('stays valid on the server');
    expect(readFileSync(configPath(t.env), 'utf8')).not.toContain(KEY);
  });

  it('--profile NAME removes that one and keeps the current', async () => {
    const t = stored(three);
    expect(await t.go({ profile: 'staging' })).toBe(0);
    expect(t.read().current).toBe('prod');
    expect(Object.keys(t.read().profiles).sort()).toEqual(['default', 'prod']);
  });

  it('decides on the config as it is under the lock: a current profile chosen meanwhile by another process stays', async () => {
    const t = stored(three);
    let run: Promise<number> | undefined;
    await withConfigLock(t.env.CLUSTER_CONFIG_DIR, async () => {
      // a writer tries the lock through its guard: then it has read the config and is waiting
      const waiting = whenCreated(t.env.CLUSTER_CONFIG_DIR, `${LOCK_NAME}.takeover`);
      run = t.go({ profile: 'default' }); // reads the config (current: prod), then waits for the lock
      await waiting;
      writeFileSync(configPath(t.env), JSON.stringify({ ...three, current: 'staging' }));
    });
    expect(await run).toBe(0);
    expect(t.read().current).toBe('staging');
    expect(Object.keys(t.read().profiles).sort()).toEqual(['prod', 'staging']);
  });

  it('CLUSTER_PROFILE picks the profile when --profile is absent', async () => {
    const t = stored(three, { CLUSTER_PROFILE: 'staging' });
    await t.go();
    expect(t.read().profiles.staging).toBeUndefined();
    expect(t.read().current).toBe('prod');
  });

  it('an unknown profile: error exit 1 listing the known ones, nothing changed', async () => {
    const t = stored(three);
    const before = readFileSync(configPath(t.env), 'utf8');
    const e = await logout({ profile: 'nope' }, t.io).catch((x: unknown) => x as CliError);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(1);
    expect((e as CliError).message).toBe('no profile named "nope"');
    expect((e as CliError).hint).toBe('known profiles: default, prod, staging');
    expect(readFileSync(configPath(t.env), 'utf8')).toBe(before);
    const typo = await logout({ profile: 'stagign' }, t.io).catch((x: unknown) => x as CliError);
    expect((typo as CliError).hint).toBe('did you mean staging? known profiles: default, prod, staging');
  });

  it('--all removes every profile and the current', async () => {
    const t = stored(three);
    expect(await t.go({ all: true })).toBe(0);
    expect(t.read()).toEqual({ profiles: {} });
    expect(t.io.out().match(/Removed profile/g)).toHaveLength(3);
  });

  it('--all with nothing stored is fine', async () => {
    const t = stored({ profiles: {} });
    expect(await t.go({ all: true })).toBe(0);
    expect(t.io.err()).toContain('nothing to remove');
  });

  it('--all with --profile is a usage error', async () => {
    const t = stored(three);
    await expect(t.go({ all: true, profile: 'prod' })).rejects.toMatchObject({ exitCode: 64 });
  });

  it('without any profile: not logged in (exit 1)', async () => {
    const t = stored({ profiles: {} });
    await expect(t.go()).rejects.toMatchObject({ exitCode: 1, message: 'not logged in: there are no stored profiles' });
  });

  it('when several remain and none is "default", no profile is current and the user is told how to pick one', async () => {
    const t = stored({
      current: 'a',
      profiles: { a: three.profiles.prod!, b: three.profiles.prod!, c: three.profiles.prod! },
    });
    await t.go();
    expect(t.read().current).toBeUndefined();
    expect(t.io.err()).toContain('cluster profile use NAME');
    expect(t.io.err()).toContain('known: b, c');
  });

  it('a corrupted file is left untouched', async () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    writeFileSync(configPath(env), 'garbage');
    const io = bufferIO({ env });
    await expect(logout({ all: true }, io)).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(configPath(env), 'utf8')).toBe('garbage');
  });
});

describe('nextCurrent', () => {
  const p = three.profiles.prod!;
  it.each([
    [{ current: 'a', profiles: { a: p, b: p } }, ['b'], 'a'],
    [{ current: 'a', profiles: { a: p, b: p } }, ['a'], 'b'],
    [{ current: 'a', profiles: { a: p, b: p, default: p } }, ['a'], 'default'],
    [{ current: 'a', profiles: { a: p, b: p, c: p } }, ['a'], undefined],
    [{ current: 'a', profiles: { a: p } }, ['a'], undefined],
  ] as [ConfigData, string[], string | undefined][])('%j minus %j → %s', (cfg, removed, next) => {
    expect(nextCurrent(cfg, removed)).toBe(next);
  });
});
