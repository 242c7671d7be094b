/**
 * Ctrl-C on a one-shot command: no handler stands between the signal and the end of the process,
 * so it ends at once by the signal's default action (a shell shows 130), even in the middle of a
 * long synchronous step. How fast is measured in bench/render.mjs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, tempConfigDir } from '../helpers/cli.js';

let server: Server;
let host = '';

beforeAll(async () => {
  server = createServer(() => undefined); // never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('Ctrl-C on a one-shot command', () => {
  it.each([['SIGINT'], ['SIGTERM']] as const)('%s ends it by the signal while it waits for an answer', async (sig) => {
    const c = startCli(['event', 'get', 'latest', '--host', host], { env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    await new Promise((r) => setTimeout(r, 500));
    c.child.kill(sig);
    const end = await c.exited;
    expect(end.signal).toBe(sig);
    expect(c.output().stdout).toBe('');
  });
});
