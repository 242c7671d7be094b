import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configDir,
  configPath,
  getProfile,
  profileNames,
  readConfig,
  updateConfig,
  validProfileName,
} from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';
import { tempConfigDir } from '../helpers/cli.js';

const mode = (p: string) => statSync(p).mode & 0o777;

/** A stored OIDC login, as `cluster login --oidc` writes it. */
const OIDC = {
  kind: 'oidc',
  issuer: 'https://idp.example.com',
  clientId: 'feldera',
  tokenEndpoint: 'https://idp.example.com/token',
  accessToken: 'eyJ.access.token',
  expiresAt: '2026-01-01T12:00:00.000Z',
  obtainedAt: '2026-01-01T11:00:00.000Z',
  refreshToken: 'opaque-refresh',
  subject: 'alice',
};

describe('config file', () => {
  it('a missing file is an empty config', () => {
    const dir = tempConfigDir();
    expect(readConfig({ CLUSTER_CONFIG_DIR: dir })).toEqual({ profiles: {} });
  });

  it('writes 0600 in a 0700 folder, creating it', async () => {
    const dir = join(tempConfigDir(), 'nested', 'cfg');
    const env = { CLUSTER_CONFIG_DIR: dir };
    await updateConfig(env, (d) => ({
      ...d,
      current: 'a',
      profiles: { a: { host: 'http://127.0.0.1:1', auth: { kind: 'apikey', apiKey: 'apikey:xyz' } } },
    }));
    expect(mode(dir)).toBe(0o700);
    expect(mode(configPath(env))).toBe(0o600);
    expect(readConfig(env).profiles.a?.auth).toEqual({ kind: 'apikey', apiKey: 'apikey:xyz' });
    expect(readConfig(env).current).toBe('a');
  });

  it('tightens a config file that was readable by others', async () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    writeFileSync(configPath(env), JSON.stringify({ profiles: {} }));
    chmodSync(configPath(env), 0o644);
    await updateConfig(env, (d) => d);
    expect(mode(configPath(env))).toBe(0o600);
  });

  it('does not chmod an existing folder the user named (it may be shared)', async () => {
    const dir = tempConfigDir();
    chmodSync(dir, 0o755);
    const env = { CLUSTER_CONFIG_DIR: dir };
    await updateConfig(env, (d) => d);
    expect(mode(dir)).toBe(0o755);
    expect(mode(configPath(env))).toBe(0o600);
  });

  it('a corrupted file is a clear error and is left untouched', async () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    const broken = '{"profiles": {"a": {"host": "x"';
    writeFileSync(configPath(env), broken);
    expect(() => readConfig(env)).toThrow(/is not valid JSON/);
    await expect(updateConfig(env, (d) => d)).rejects.toThrow(CliError);
    expect(readFileSync(configPath(env), 'utf8')).toBe(broken);
    try {
      readConfig(env);
    } catch (e) {
      expect((e as CliError).message).toContain(configPath(env));
      expect((e as CliError).hint).toContain('left untouched');
    }
  });

  it('a config file that is a directory, or a folder path through a file, is said as such (not "no profiles", not "invalid JSON")', () => {
    const dir = tempConfigDir();
    mkdirSync(join(dir, 'config.json'));
    expect(() => readConfig({ CLUSTER_CONFIG_DIR: dir })).toThrow(
      /cannot read the config file .*config\.json: it is a directory$/,
    );
    const file = join(tempConfigDir(), 'plain-file');
    writeFileSync(file, 'x');
    const env = { CLUSTER_CONFIG_DIR: join(file, 'sub') };
    expect(() => readConfig(env)).toThrow(/cannot read the config file .*: a part of its path is not a directory/);
    try {
      readConfig(env);
    } catch (e) {
      expect((e as CliError).hint).toContain('CLUSTER_CONFIG_DIR');
    }
  });

  it.skipIf(process.platform !== 'linux')(
    'a config folder that cannot be written is a clear error, not an unexpected failure',
    async () => {
      const env = { CLUSTER_CONFIG_DIR: '/proc/self' };
      const e = await updateConfig(env, (d) => d).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).message).toMatch(/^cannot write the config file \/proc\/self\/config\.json: /);
    },
  );

  it.each([
    ['[]', /does not hold an object/],
    ['{"profiles": []}', /"profiles" entry that is not an object/],
    ['{"profiles": {"a": {"host": 1, "auth": {}}}}', /broken profile "a"/],
    ['{"profiles": {"a": {"host": "h", "auth": {"kind": "magic"}}}}', /auth.kind/],
    ['{"profiles": {"a": {"host": "h", "auth": {"kind": "apikey"}}}}', /"auth.apiKey" is missing/],
    ['{"profiles": {"a b": {"host": "h", "auth": {"kind": "none"}}}}', /not a valid profile name/],
    [
      '{"profiles": {"a": {"host": "h", "auth": {"kind": "none"}, "insecure": "yes"}}}',
      /"insecure" must be true or false/,
    ],
    ['{"profiles": {"a": {"host": "h", "auth": {"kind": "oidc", "issuer": "i"}}}}', /"auth.clientId" is missing/],
    [
      `{"profiles": {"a": {"host": "h", "auth": ${JSON.stringify({ ...OIDC, expiresAt: 'soon' })}}}}`,
      /"auth.expiresAt" must be a time/,
    ],
    [
      `{"profiles": {"a": {"host": "h", "auth": ${JSON.stringify({ ...OIDC, refreshToken: 7 })}}}}`,
      /"auth.refreshToken" must be a string/,
    ],
  ])('rejects %s', (text, re) => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    writeFileSync(configPath(env), text);
    expect(() => readConfig(env)).toThrow(re);
    expect(readFileSync(configPath(env), 'utf8')).toBe(text);
  });

  it('keeps an OIDC login as written', async () => {
    const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
    await updateConfig(env, () => ({ profiles: { a: { host: 'https://f', auth: OIDC as never } } }));
    expect(readConfig(env).profiles.a?.auth).toEqual(OIDC);
  });

  it('a profile named __proto__ in the file is refused, not merged into the prototype', () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    writeFileSync(configPath(env), '{"profiles": {"__proto__": {"host": "h", "auth": {"kind": "none"}}}}');
    expect(() => readConfig(env)).toThrow(/not a valid profile name/);
    expect(({} as Record<string, unknown>).host).toBeUndefined();
  });

  it('getProfile and profileNames use own entries only, sorted', () => {
    const cfg = {
      profiles: {
        b: { host: 'h', auth: { kind: 'none' as const } },
        a: { host: 'h', auth: { kind: 'none' as const } },
      },
    };
    expect(profileNames(cfg)).toEqual(['a', 'b']);
    expect(getProfile(cfg, 'constructor')).toBeUndefined();
    expect(getProfile(cfg, 'a')?.host).toBe('h');
  });

  it('profile names', () => {
    for (const ok of ['default', 'prod-eu', 'a.b_c', '1']) expect(validProfileName(ok), ok).toBe(true);
    for (const bad of ['', '-x', '.x', 'a b', 'a/b', '__proto__', 'x'.repeat(65), 'é'])
      expect(validProfileName(bad), bad).toBe(false);
  });

  it('CLUSTER_CONFIG_DIR, else XDG_CONFIG_HOME/feldera-cluster', () => {
    expect(configDir({ CLUSTER_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    if (process.platform === 'linux') expect(configDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/feldera-cluster');
  });

  it('a folder created by us is 0700 even with a permissive umask', async () => {
    const parent = tempConfigDir();
    const dir = join(parent, 'made');
    const old = process.umask(0);
    try {
      await updateConfig({ CLUSTER_CONFIG_DIR: dir }, (d) => d);
    } finally {
      process.umask(old);
    }
    expect(mode(dir)).toBe(0o700);
    mkdirSync(join(parent, 'other'));
  });
});
