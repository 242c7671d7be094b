/**
 * What is not a regular file — a FIFO, a device, a link to one — is refused before it is opened,
 * by every reader of a trusted file (config.json, state.json, the exporter's files) and by the
 * writer, which leaves what is there as it is. Real FIFOs (the mkfifo binary).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigLock } from '../../src/config/lock.js';
import { readConfig, updateConfig } from '../../src/config/profiles.js';
import { storedPeriod, storePeriod } from '../../src/config/state.js';
import { readTrustedText } from '../../src/config/trusted-read.js';
import { writeConfigFile } from '../../src/config/write-file.js';
import { CliError } from '../../src/errors.js';
import { readTrustedFile } from '../../src/exporter/trusted-file.js';
import { tempConfigDir } from '../helpers/cli.js';

const posix = process.platform !== 'win32';
const accessError = (f: string, e: unknown) => new CliError(`cannot read ${f}: ${(e as Error).message}`);

function caught(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe.skipIf(!posix)('files that are not regular files', () => {
  it('a FIFO as config.json: one line, the config exit code (1), and it stays a FIFO', () => {
    const dir = tempConfigDir();
    const fifo = join(dir, 'config.json');
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    const e = caught(() => readConfig({ CLUSTER_CONFIG_DIR: dir }));
    expect(e.message).toBe(`refusing to read the config file ${fifo}: it is a named pipe (FIFO), not a regular file`);
    expect(e.exitCode).toBe(1);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a link to /dev/zero is a device; a link to a FIFO is a FIFO; a link to nothing is no file', () => {
    const dir = tempConfigDir();
    symlinkSync('/dev/zero', join(dir, 'zero'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'to-fifo'));
    symlinkSync(join(dir, 'nothing'), join(dir, 'dangling'));
    const o = { what: 'config file', maxBytes: 1 << 20, accessError };
    expect(caught(() => readTrustedText(join(dir, 'zero'), o)).message).toContain('it is a device, not a regular file');
    expect(caught(() => readTrustedText(join(dir, 'to-fifo'), o)).message).toContain('it is a named pipe (FIFO)');
    expect(readTrustedText(join(dir, 'dangling'), o)).toBeUndefined();
    expect(readTrustedText(join(dir, 'missing'), o)).toBeUndefined();
  });

  it('a file over the cap is refused, one under it is read whole', () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, 'big'), 'x'.repeat(2049), { mode: 0o600 });
    writeFileSync(join(dir, 'fits'), 'y'.repeat(2048), { mode: 0o600 });
    const o = { what: 'state file', maxBytes: 2048, accessError };
    expect(caught(() => readTrustedText(join(dir, 'big'), o)).message).toContain('is larger than 2 KiB');
    expect(readTrustedText(join(dir, 'fits'), o)).toBe('y'.repeat(2048));
  });

  it("the exporter's files: a FIFO is refused in the same words", () => {
    const dir = tempConfigDir();
    const fifo = join(dir, 'creds.json');
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    expect(caught(() => readTrustedFile('target credentials file', fifo, { secret: true })).message).toBe(
      `refusing to read the target credentials file ${fifo}: it is a named pipe (FIFO), not a regular file`,
    );
  });

  it('writing: a FIFO at the path, or at a link’s target, is refused and left as it is', () => {
    const dir = tempConfigDir();
    const fifo = join(dir, 'config.json');
    execFileSync('mkfifo', [fifo]);
    expect(caught(() => writeConfigFile(fifo, '{}')).message).toBe(
      `refusing to write the config file ${fifo}: it is a named pipe (FIFO), not a regular file`,
    );
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const dir2 = tempConfigDir();
    execFileSync('mkfifo', [join(dir2, 'pipe')]);
    symlinkSync(join(dir2, 'pipe'), join(dir2, 'state.json'));
    expect(caught(() => writeConfigFile(join(dir2, 'state.json'), '{}')).message).toContain('not a regular file');
    expect(lstatSync(join(dir2, 'pipe')).isFIFO()).toBe(true);
    // a regular file is replaced, so the refusals above can fail
    writeFileSync(join(dir2, 'plain'), 'old', { mode: 0o600 });
    writeConfigFile(join(dir2, 'plain'), 'new');
    expect(readFileSync(join(dir2, 'plain'), 'utf8')).toBe('new');
  });

  it('state.json as a FIFO is no knowledge; storing into it throws (the caller says so at --verbose)', () => {
    const dir = tempConfigDir();
    execFileSync('mkfifo', ['-m', '0600', join(dir, 'state.json')]);
    const env = { CLUSTER_CONFIG_DIR: dir };
    expect(storedPeriod(env, 'host:h', 'h')).toBeUndefined();
    const entry = { host: 'h', period_ms: 1000, samples: 3, learned_at: '2025-01-01T00:00:00Z' };
    expect(() => storePeriod(env, 'host:h', entry)).toThrow(/not a regular file/);
    expect(lstatSync(join(dir, 'state.json')).isFIFO()).toBe(true);
  });

  it('a FIFO or a file as the lock: said at once (not waited on as a held lock), nothing written', async () => {
    for (const plant of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => writeFileSync(p, '')]) {
      const dir = tempConfigDir();
      const lock = join(dir, 'config.json.lock');
      plant(lock);
      const e = await withConfigLock(dir, () => 'ran').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).message).toMatch(
        new RegExp(
          `^refusing to use the lock ${lock}: it is a (named pipe \\(FIFO\\)|regular file), not the folder cluster makes$`,
        ),
      );
      const update = await updateConfig({ CLUSTER_CONFIG_DIR: dir }, (d) => d).catch((x: unknown) => x);
      expect((update as CliError).message).toBe((e as CliError).message);
    }
  });
});

describe.skipIf(!posix)("the exporter's web config: its certificate and key files", () => {
  it('a FIFO as cert_file is said, not waited on', async () => {
    const { readWebConfig } = await import('../../src/exporter/web-config.js');
    const dir = tempConfigDir();
    const fifo = join(dir, 'cert.pem');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: ${fifo}\n  key_file: ${fifo}\n`, {
      mode: 0o600,
    });
    const e = await Promise.resolve()
      .then(() => readWebConfig(join(dir, 'web.yml')))
      .catch((x: unknown) => x);
    expect((e as CliError).message).toContain(`its cert_file ${fifo} is a named pipe (FIFO), not a regular file`);
  });
});
