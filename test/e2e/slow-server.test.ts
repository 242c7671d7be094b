/**
 * A server that never answers. At a terminal, after a second a spinner says what is going on (and
 * why it retries), and it is gone before the error is printed; piped, not a character of it.
 * Ctrl-C on a one-shot command: no handler stands between the signal and the end of the process,
 * so it ends at once by the signal's default action (a shell shows 130), even in the middle of a
 * long synchronous step (how fast: bench/render.mjs).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempConfigDir } from '../helpers/cli.js';
import { hasPty, inPty } from '../helpers/pty.js';
import { until } from '../helpers/wait.js';

const ERASE = '\r\u001b[2K';
let server: Server;
let host = '';
let requests = 0;

beforeAll(async () => {
  server = createServer(() => {
    requests++; // never answers
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

/** The spinner shows from a second on; 2.5 s leaves its "· 1s" a whole second per attempt, loaded or not. */
const argv = (timeout = '2.5') => [
  'event',
  'get',
  'latest',
  '--host',
  host,
  '--request-timeout',
  timeout,
  '--retries',
  '1',
];

describe('progress of a slow request', () => {
  it.skipIf(!hasPty)('at a terminal: a spinner, then the retry and why, erased before the error', async () => {
    const r = await inPty(argv(), { CLUSTER_CONFIG_DIR: tempConfigDir(), NO_COLOR: '1' }, []);
    expect(r.code).toBe(1);
    const out = r.out;
    expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for http:\/\/127\.0\.0\.1:\d+ · 1s/);
    expect(out).toMatch(/retrying \(2\/2\) in \d+s: no answer from/);
    // the line was erased right before the error
    expect(out).toContain(`${ERASE}error: no answer from ${host}`);
  });

  it('piped: nothing but the error', async () => {
    const r = await runCli(argv('1.5'), { env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no answer from /);
    expect(r.stderr).not.toMatch(/waiting for|retrying|\u001b/);
  });
});

describe('Ctrl-C on a one-shot command', () => {
  it.each([['SIGINT'], ['SIGTERM']] as const)('%s ends it by the signal while it waits for an answer', async (sig) => {
    const before = requests;
    const c = startCli(['event', 'get', 'latest', '--host', host], { env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    await until(() => requests > before, 'the request');
    c.child.kill(sig);
    const end = await c.exited;
    expect(end.signal).toBe(sig);
    expect(c.output().stdout).toBe('');
  });
});
