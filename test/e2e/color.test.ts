/**
 * Colour at a real terminal: on by default, off with --no-color or NO_COLOR — for data and for
 * errors alike (the error printer follows the same decision as the output).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, tempConfigDir } from '../helpers/cli.js';
import { hasPty, inPty } from '../helpers/pty.js';

const ESC = '\u001b';
let sim: ReturnType<typeof startCli>;
let url = '';
const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };

beforeAll(async () => {
  sim = startCli(['simulate', '--port', '0', '--scenario', 'compiler-outage', '--history', '10m', '--seed', '5']);
  url = await sim.firstLine;
});
afterAll(() => {
  sim.child.kill('SIGTERM');
});

describe.skipIf(!hasPty)('colour at a pseudo-terminal', () => {
  it('by default: the table and an error are coloured', async () => {
    const ok = await inPty(['event', 'get', 'latest', '--host', url], env, []);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(ESC);
    const bad = await inPty(['event', 'get', 'latest', '--host', 'http://127.0.0.1:1', '--retries', '0'], env, []);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`${ESC}[31merror:`);
  });

  it.each([
    ['--no-color', ['--no-color'], {}],
    ['NO_COLOR', [], { NO_COLOR: '1' }],
    ['--no-color over FORCE_COLOR', ['--no-color'], { FORCE_COLOR: '1' }],
  ])('%s: no escape sequence at all, errors included', async (_name, flags, extraEnv) => {
    const cases: [string[], number][] = [
      [['event', 'get', 'latest', '--host', url, ...flags], 0],
      [['event', 'get', 'latest', '--host', 'http://127.0.0.1:1', '--retries', '0', ...flags], 1],
      [['event', 'get', 'latest', '--bogus', ...flags], 64],
      [['event', 'get', 'latest', '--stale-after', 'soon', ...flags], 64],
    ];
    for (const [argv, code] of cases) {
      const r = await inPty(argv, { ...env, ...extraEnv }, []);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.out, argv.join(' ')).not.toContain(ESC);
      expect(r.out.length).toBeGreaterThan(20);
    }
  });
});
