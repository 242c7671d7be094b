/**
 * A config file or folder that someone else could have written is refused, the way ssh refuses
 * such a `~/.ssh/config`; a parse error names the place, never the content. Owner tests need root
 * (to give a file to another uid): they run as root here and in CI, and are skipped otherwise.
 */
import {
  chmodSync,
  chownSync,
  lchownSync,
  lstatSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColumn } from '../../src/config/json-position.js';
import { LOCK_NAME, withConfigLock } from '../../src/config/lock.js';
import { configPath, readConfig, updateConfig } from '../../src/config/profiles.js';
import { statePath, storedPeriod, storePeriod } from '../../src/config/state.js';
import { CliError } from '../../src/errors.js';
import { tempConfigDir } from '../helpers/cli.js';
import { whenCreated } from '../helpers/wait.js';

const isRoot = process.getuid?.() === 0;
const posix = process.platform !== 'win32';
const OTHER_UID = 4242;
const CONFIG = JSON.stringify({
  current: 'a',
  profiles: { a: { host: 'http://127.0.0.1:1', auth: { kind: 'token-command', command: 'echo tok' } } },
});

function failure(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

async function writeFailure(env: Record<string, string>): Promise<CliError> {
  const e = await updateConfig(env, (d) => d).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof CliError)) throw new Error(`expected a CliError, got ${String(e)}`);
  return e;
}

function configIn(dir: string, mode = 0o600): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, CONFIG, { mode });
  chmodSync(file, mode);
  return file;
}

describe.skipIf(!posix)('who may have written the config', () => {
  it('a file writable by group or others is refused, with the chmod that fixes it; nothing is rewritten', async () => {
    for (const mode of [0o666, 0o620]) {
      const dir = tempConfigDir();
      const file = configIn(dir, mode);
      const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(
        `refusing to use the config file ${file}: it can be written by ${mode === 0o666 ? 'anyone' : 'its group'} (mode 0${mode.toString(8)}), so its profiles (and their token commands) may not be yours`,
      );
      expect(e.hint).toBe(`check its content, then \`chmod 600 ${file}\``);
      expect((await writeFailure({ CLUSTER_CONFIG_DIR: dir })).message).toBe(e.message);
      expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    }
  });

  it('a readable (not writable) file is used, and tightened to 0600 on the next write', async () => {
    const dir = tempConfigDir();
    const file = configIn(dir, 0o644);
    expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).current).toBe('a');
    await updateConfig({ CLUSTER_CONFIG_DIR: dir }, (d) => d);
    expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).current).toBe('a');
    expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a folder others can write to (no sticky bit) is refused for reading and writing', async () => {
    const dir = tempConfigDir();
    configIn(dir);
    chmodSync(dir, 0o777);
    const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
    expect(e.message).toBe(
      `refusing to use the config folder ${dir}: it can be written by anyone (mode 0777), so others can replace the config file`,
    );
    expect(e.hint).toContain(`chmod go-w ${dir}`);
    const empty = tempConfigDir();
    chmodSync(empty, 0o775);
    expect((await writeFailure({ CLUSTER_CONFIG_DIR: empty })).message).toMatch(
      /config folder .* can be written by its group \(mode 0775\)/,
    );
  });

  it('a shared folder with the sticky bit (like /tmp) is fine: others cannot replace a file in it', async () => {
    const dir = tempConfigDir();
    chmodSync(dir, 0o1777);
    await updateConfig({ CLUSTER_CONFIG_DIR: dir }, (d) => ({
      ...d,
      profiles: { a: { host: 'h', auth: { kind: 'none' } } },
    }));
    expect(Object.keys(readConfig({ CLUSTER_CONFIG_DIR: dir }).profiles)).toEqual(['a']);
    expect((await import('node:fs')).statSync(dir).mode & 0o7777).toBe(0o1777); // a folder the user named keeps its mode
  });

  it('a link to a good file is followed; a link to a file others can write is refused, naming both', () => {
    const dir = tempConfigDir();
    const elsewhere = tempConfigDir();
    const target = configIn(elsewhere);
    symlinkSync(target, configPath({ CLUSTER_CONFIG_DIR: dir }));
    expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).current).toBe('a');
    chmodSync(target, 0o646);
    const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
    expect(e.message).toContain(
      `the config file ${join(dir, 'config.json')} (a link to ${target}): it can be written by anyone`,
    );
    expect(e.hint).toContain(`chmod 600 ${target}`);
    // ... or a good file in a folder anyone can write to
    chmodSync(target, 0o600);
    chmodSync(elsewhere, 0o757);
    expect(failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir })).message).toContain(`config folder ${elsewhere}`);
  });

  it('a link of your own is written through: it stays a link, its target is replaced by a 0600 file', async () => {
    const dir = tempConfigDir();
    const target = configIn(tempConfigDir(), 0o640);
    symlinkSync(target, configPath({ CLUSTER_CONFIG_DIR: dir }));
    await updateConfig({ CLUSTER_CONFIG_DIR: dir }, (d) => ({
      ...d,
      current: 'b',
      profiles: { ...d.profiles, b: { host: 'http://127.0.0.1:2', auth: { kind: 'none' } } },
    }));
    expect(lstatSync(configPath({ CLUSTER_CONFIG_DIR: dir })).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ current: 'b', profiles: { a: {}, b: {} } });
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  describe.skipIf(!isRoot)('as root: files of another uid', () => {
    it('a config file owned by another user is refused: its token commands are never run', async () => {
      const dir = tempConfigDir();
      const file = configIn(dir, 0o644);
      chownSync(file, OTHER_UID, OTHER_UID);
      const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(
        `refusing to use the config file ${file}: it is owned by uid ${OTHER_UID}, not by you (uid 0), so its profiles (and their token commands) are not yours`,
      );
      expect(e.hint).toBe(
        `if you trust it, make it yours: \`chown 0 ${file} && chmod 600 ${file}\`; otherwise remove it, or choose your own folder with CLUSTER_CONFIG_DIR`,
      );
      expect((await writeFailure({ CLUSTER_CONFIG_DIR: dir })).message).toBe(e.message);
    });

    it("a link to another user's file is refused, and so is a folder of another user", () => {
      const dir = tempConfigDir();
      const target = configIn(tempConfigDir());
      chownSync(target, OTHER_UID, OTHER_UID);
      symlinkSync(target, join(dir, 'config.json'));
      expect(failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir })).message).toContain(
        `(a link to ${target}): it is owned by uid ${OTHER_UID}`,
      );
      const theirs = tempConfigDir();
      configIn(theirs);
      chownSync(theirs, OTHER_UID, OTHER_UID);
      expect(failure(() => readConfig({ CLUSTER_CONFIG_DIR: theirs })).message).toBe(
        `refusing to use the config folder ${theirs}: it is owned by uid ${OTHER_UID}, not by you (uid 0), so its owner can replace the config file`,
      );
    });

    it('a link planted by another user in a shared (sticky) folder is refused for reading and writing; its target is untouched', async () => {
      const shared = tempConfigDir();
      chmodSync(shared, 0o1777);
      const mine = join(tempConfigDir(), 'settings.json');
      writeFileSync(mine, 'my own file\n', { mode: 0o600 });
      const link = join(shared, 'config.json');
      symlinkSync(mine, link);
      lchownSync(link, OTHER_UID, OTHER_UID);
      const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: shared }));
      expect(e.message).toBe(
        `refusing to use ${link}: it is a symbolic link made by uid ${OTHER_UID}, not by you (uid 0)`,
      );
      expect((await writeFailure({ CLUSTER_CONFIG_DIR: shared })).message).toBe(e.message);
      expect(readFileSync(mine, 'utf8')).toBe('my own file\n');
      expect(statSync(mine).uid).toBe(0);
    });

    it('state.json written by another user is no knowledge: its period is not used', () => {
      const dir = tempConfigDir();
      const env = { CLUSTER_CONFIG_DIR: dir };
      storePeriod(env, 'profile:a', {
        host: 'h',
        period_ms: 86_400_000,
        samples: 12,
        learned_at: '2026-01-01T00:00:00.000Z',
      });
      expect(storedPeriod(env, 'profile:a', 'h')?.period_ms).toBe(86_400_000);
      chownSync(statePath(env), OTHER_UID, OTHER_UID);
      expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
      chownSync(statePath(env), 0, 0);
      chmodSync(statePath(env), 0o622);
      expect(storedPeriod(env, 'profile:a', 'h')).toBeUndefined();
    });

    it('a root-owned file in a root-owned folder is fine (root is trusted, as by ssh)', () => {
      const dir = tempConfigDir();
      configIn(dir);
      expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).current).toBe('a');
    });
  });
});

describe('a config file that is not valid JSON', () => {
  const SECRET = `apikey:${'Zq8'.repeat(20)}`;

  it.each([
    [`{"profiles": {"a": {"host": "h", "auth": {"kind": "apikey", "apiKey": ${SECRET}}}}}`, 'at line 1, column 71'],
    [`{\n  "profiles": {\n    "a": {"auth": "${SECRET}",}\n  }\n}`, 'at line 3, column 89'],
    [`{"profiles": {"a": "${SECRET}"`, 'it ends too early, at line 1, column 89'],
    [`{"current": "${SECRET}"} trailing`, 'at line 1, column 84'],
    ['   \n', 'it is empty'],
  ])('names the line and column, never the content (%#)', (text, where) => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, 'config.json'), text, { mode: 0o600 });
    const e = failure(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
    expect(e.message).toBe(`the config file ${join(dir, 'config.json')} is not valid JSON (${where})`);
    expect(e.message + e.hint).not.toContain('Zq8Zq8Zq');
  });

  it('the fault offset agrees with the grammar: -1 exactly for what JSON.parse accepts', () => {
    const samples = [
      '{}',
      '[]',
      '[1, -2.5e3, "x\\u00e9", true, null, {"a": [{}]}]',
      ' "s" ',
      '{"a":1,}',
      '[1,]',
      '01',
      '{"a" 1}',
      '[',
      '"\\x"',
      'nul',
      '{,}',
      '[1 2]',
      '{"a":1}}',
      '"a\tb"',
    ];
    for (const s of samples) {
      let ok = true;
      try {
        JSON.parse(s);
      } catch {
        ok = false;
      }
      expect(jsonErrorOffset(s) === -1, s).toBe(ok);
    }
    expect(lineColumn('a\nbc\nd', 4)).toEqual({ line: 2, column: 3 });
    expect(jsonErrorOffset('['.repeat(200_000))).toBe(200_000);
  });
});

describe('the config lock', () => {
  it('a writer waits for the holder, then writes on top of what the holder wrote', async () => {
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir };
    const order: string[] = [];
    let second: Promise<unknown> | undefined;
    await withConfigLock(dir, async () => {
      // a writer tries the lock through its guard: then it is waiting for this holder
      const waiting = whenCreated(dir, `${LOCK_NAME}.takeover`);
      second = updateConfig(env, (d) => {
        order.push('second');
        return { ...d, profiles: { ...d.profiles, b: { host: 'h', auth: { kind: 'none' } } } };
      });
      await waiting;
      order.push('first');
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ profiles: { a: { host: 'h', auth: { kind: 'none' } } } }),
        { mode: 0o600 },
      );
    });
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(Object.keys(readConfig(env).profiles).sort()).toEqual(['a', 'b']);
  });
});
