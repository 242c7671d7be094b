import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newCmdProfileList, plainRows, profileRows } from '../../../src/commands/profile/list.js';
import { newCmdProfileUse } from '../../../src/commands/profile/use.js';
import { type ConfigData, configPath, readConfig } from '../../../src/config/profiles.js';
import { CliError } from '../../../src/errors.js';
import type { IO } from '../../../src/io/io.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, runOrThrow } from '../../helpers/command.js';
import { type BufferIO, bufferIO } from '../../helpers/io.js';

const list = (opts: Record<string, unknown>, t: { io: BufferIO }) =>
  runOrThrow(newCmdProfileList, argvOf(opts), { io: t.io });
const use = (opts: Record<string, unknown>, t: { io: BufferIO }, args: string[]) =>
  runOrThrow(newCmdProfileUse, [...args, ...argvOf(opts)], { io: t.io });

const KEY = `apikey:AbCd${'q'.repeat(120)}wxyz`;
const data: ConfigData = {
  current: 'prod',
  profiles: {
    prod: {
      host: 'https://prod.example.com',
      auth: { kind: 'apikey', apiKey: KEY },
      tenant: 'acme',
      serverVersion: '0.337.0',
      serverEdition: 'Enterprise',
    },
    local: { host: 'http://127.0.0.1:8080', auth: { kind: 'none' } },
    ci: {
      host: 'https://ci.example.com',
      auth: { kind: 'token-command', command: 'gcloud auth print-identity-token' },
      insecure: true,
    },
  },
};

function stored(cfg: ConfigData, io: Partial<IO> = {}, env: Record<string, string> = {}) {
  const dir = tempConfigDir();
  const fullEnv = { CLUSTER_CONFIG_DIR: dir, ...env };
  writeFileSync(configPath(fullEnv), JSON.stringify(cfg));
  const b = bufferIO({ env: fullEnv, ...io });
  return { env: fullEnv, io: b, ctx: { io: b } };
}

describe('profile list', () => {
  it('piped: tab-separated rows, current marked, key masked, no colour or box drawing', async () => {
    const t = stored(data);
    expect(await list({}, t.ctx)).toBe(0);
    expect(t.io.out()).toBe(
      `${[
        'ci\thttps://ci.example.com\ttoken-command\tgcloud auth print-identity-token\t',
        'local\thttp://127.0.0.1:8080\tnone\t-\t',
        'prod\thttps://prod.example.com\tapikey\tapikey:AbCd…wxyz\tcurrent',
      ].join('\n')}\n`,
    );
    expect(t.io.out()).not.toContain(KEY);
  });

  it('at a terminal: a table with the current profile marked, colour only when on', async () => {
    const t = stored(data, { stdoutIsTTY: true, color: true, columns: 130 });
    await list({}, t.ctx);
    const out = t.io.out();
    expect(out).toMatch(/NAME.*HOST.*AUTH.*CREDENTIAL/);
    expect(out).toContain('apikey:AbCd…wxyz');
    expect(out).toContain('0.337.0 (Enterprise)');
    expect(out).toContain('\u001b[');
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    const prodLine = plain.split('\n').find((l) => l.includes('prod.example.com'))!;
    expect(prodLine.trimStart().startsWith('*')).toBe(true);
    const localLine = plain.split('\n').find((l) => l.includes('127.0.0.1'))!;
    expect(localLine.trimStart().startsWith('*')).toBe(false);
    expect(out).not.toContain(KEY);

    const t2 = stored(data, { stdoutIsTTY: true, color: false });
    await list({}, t2.ctx);
    expect(t2.io.out()).not.toContain('\u001b[');
  });

  it('at a narrow terminal: drops SERVER, then TENANT, then CREDENTIAL so the table fits', async () => {
    const width = (out: string) =>
      Math.max(
        ...out
          .replace(/\u001b\[[0-9;]*m/g, '')
          .split('\n')
          .map((l) => [...l].length),
      );
    const wide = stored(data, { stdoutIsTTY: true, columns: 130 });
    await list({}, wide.ctx);
    expect(width(wide.io.out())).toBeGreaterThan(80); // all columns need more than 80
    expect(wide.io.out()).toContain('SERVER');

    const t = stored(data, { stdoutIsTTY: true, columns: 80 });
    await list({}, t.ctx);
    expect(width(t.io.out())).toBeLessThanOrEqual(80);
    expect(t.io.out()).not.toContain('SERVER');
    expect(t.io.out()).toMatch(/NAME.*HOST.*AUTH/);

    const narrow = stored(data, { stdoutIsTTY: true, columns: 60 });
    await list({}, narrow.ctx);
    expect(narrow.io.out()).not.toContain('CREDENTIAL');
    expect(narrow.io.out()).toContain('prod.example.com');
  });

  it('--json: masked, stable fields', async () => {
    const t = stored(data);
    await list({ json: true }, t.ctx);
    const rows = JSON.parse(t.io.out());
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual({
      name: 'prod',
      current: true,
      host: 'https://prod.example.com',
      auth: 'apikey',
      credential: 'apikey:AbCd…wxyz',
      tenant: 'acme',
      insecure: false,
      ca_cert: null,
      server_version: '0.337.0',
      server_edition: 'Enterprise',
    });
    expect(t.io.out()).not.toContain(KEY);
  });

  it('CLUSTER_PROFILE decides which one is marked', () => {
    expect(
      profileRows(data, 'ci')
        .filter((r) => r.current)
        .map((r) => r.name),
    ).toEqual(['ci']);
  });

  it('empty: a hint on stderr, nothing on stdout; --json gives []', async () => {
    const t = stored({ profiles: {} });
    await list({}, t.ctx);
    expect(t.io.out()).toBe('');
    expect(t.io.err()).toContain('cluster login');
    const t2 = stored({ profiles: {} });
    await list({ json: true }, t2.ctx);
    expect(JSON.parse(t2.io.out())).toEqual([]);
  });

  it('hand-edited hosts with escape sequences are sanitised', () => {
    const rows = profileRows(
      { profiles: { x: { host: 'https://x\u001b[31m.example\u0007.com', auth: { kind: 'none' } } } },
      undefined,
    );
    // eslint-disable-next-line no-control-regex
    expect(plainRows(rows)).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});

describe('profile use', () => {
  it('makes a profile current', async () => {
    const t = stored(data);
    expect(await use({}, t.ctx, ['local'])).toBe(0);
    expect(readConfig(t.env).current).toBe('local');
    expect(t.io.out()).toBe('Now using profile "local" (http://127.0.0.1:8080).\n');
    // the rest of the file is kept
    expect(readConfig(t.env).profiles.prod).toEqual(data.profiles.prod);
  });

  it('an unknown name: error listing the known ones, file untouched', async () => {
    const t = stored(data);
    const before = readFileSync(configPath(t.env), 'utf8');
    const e = await use({}, t.ctx, ['nope']).catch((x: unknown) => x as CliError);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(1);
    expect((e as CliError).message).toBe('no profile named "nope"');
    expect((e as CliError).hint).toBe('known profiles: ci, local, prod');
    expect(readFileSync(configPath(t.env), 'utf8')).toBe(before);
  });

  it('a mistyped name: did you mean the close one?', async () => {
    const t = stored(data);
    const e = await use({}, t.ctx, ['prdo']).catch((x: unknown) => x as CliError);
    expect((e as CliError).message).toBe('no profile named "prdo"');
    expect((e as CliError).hint).toBe('did you mean prod? known profiles: ci, local, prod');
  });

  it('warns when CLUSTER_PROFILE overrides it', async () => {
    const t = stored(data, {}, { CLUSTER_PROFILE: 'ci' });
    await use({}, t.ctx, ['local']);
    expect(t.io.err()).toContain('CLUSTER_PROFILE=ci overrides');
  });
});
