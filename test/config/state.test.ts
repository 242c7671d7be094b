import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { periodKey, STATE_FILE, statePath, storedPeriod, storePeriod } from '../../src/config/state.js';
import { tempConfigDir } from '../helpers/cli.js';

const entry = (host: string, period_ms = 780_000) => ({
  host,
  period_ms,
  samples: 12,
  learned_at: '2026-01-01T00:00:00.000Z',
});

describe('the learned-period state file', () => {
  it('beside the config file, 0600, written atomically (no temporary file left)', () => {
    const dir = join(tempConfigDir(), 'fresh');
    const env = { CLUSTER_CONFIG_DIR: dir };
    storePeriod(env, 'profile:prod', entry('https://f.example.com'));
    expect(statePath(env)).toBe(join(dir, STATE_FILE));
    expect(statSync(statePath(env)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
    expect(storedPeriod(env, 'profile:prod', 'https://f.example.com')).toEqual(entry('https://f.example.com'));
    storePeriod(env, 'host:http://127.0.0.1:8080', entry('http://127.0.0.1:8080', 600_000));
    expect(JSON.parse(readFileSync(statePath(env), 'utf8')).healthy_periods).toEqual({
      'profile:prod': entry('https://f.example.com'),
      'host:http://127.0.0.1:8080': entry('http://127.0.0.1:8080', 600_000),
    });
  });

  it('an entry belongs to its host: a profile now pointing elsewhere does not inherit it', () => {
    const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
    storePeriod(env, 'profile:prod', entry('https://old.example.com'));
    expect(storedPeriod(env, 'profile:prod', 'https://new.example.com')).toBeUndefined();
  });

  it("keyed by profile when the connection uses its profile's host, else by host", () => {
    expect(periodKey({ host: 'https://a', profileName: 'prod', profileHost: 'https://a' })).toBe('profile:prod');
    expect(periodKey({ host: 'https://b', profileName: 'prod', profileHost: 'https://a' })).toBe('host:https://b');
    expect(periodKey({ host: 'http://127.0.0.1:8080' })).toBe('host:http://127.0.0.1:8080');
  });

  it('missing, broken or odd files are no knowledge, never an error; a write replaces them', () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
    writeFileSync(statePath(env), '{not json');
    expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
    writeFileSync(
      statePath(env),
      JSON.stringify({ healthy_periods: { 'profile:a': { host: 'h', period_ms: 'ten minutes' }, constructor: 1 } }),
    );
    expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
    expect(storedPeriod(env, 'constructor', 'h')).toBeUndefined();
    storePeriod(env, 'profile:a', entry('h'));
    expect(storedPeriod(env, 'profile:a', 'h')?.period_ms).toBe(780_000);
  });

  it.skipIf(process.getuid?.() === 0)(
    'a folder it may not write: the write throws (the caller says so with --verbose), the old file stays',
    () => {
      const dir = join(tempConfigDir(), 'locked');
      mkdirSync(dir);
      const env = { CLUSTER_CONFIG_DIR: dir };
      storePeriod(env, 'profile:a', entry('h'));
      chmodSync(dir, 0o500);
      try {
        expect(() => storePeriod(env, 'profile:a', entry('h', 1))).toThrow(/EACCES/);
        expect(storedPeriod(env, 'profile:a', 'h')?.period_ms).toBe(780_000);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );

  it("a file in the config folder's place (as root too): the write throws, nothing is read", () => {
    const file = join(tempConfigDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const env = { CLUSTER_CONFIG_DIR: file };
    expect(() => storePeriod(env, 'profile:a', entry('h'))).toThrow(/EEXIST|ENOTDIR/);
    expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
  });
});
