/** The client tells a progress display what each request is doing; connection refused is tried twice at most. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClient, type RequestProgress } from '../../src/api/client.js';
import { resolveConnection } from '../../src/config/connection.js';
import { EVENT, recordingClock } from '../helpers/fake-server.js';
import { closedPort } from '../helpers/sim.js';

async function run(
  host: string,
  retries: string,
  call: (c: Awaited<ReturnType<typeof createClient>>) => Promise<unknown>,
  requestTimeout = '0.2',
) {
  const events: RequestProgress[] = [];
  const trace: string[] = [];
  const clock = recordingClock();
  const c = await createClient(resolveConnection({ host, retries, requestTimeout }, {}, { profiles: {} }), {
    clock,
    progress: (p) => events.push(p),
    trace: (l) => trace.push(l),
  });
  const result = await call(c).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  c.close();
  return { events, trace, result, clock };
}

describe('progress and fail-fast', () => {
  it('connection refused: one retry, not three', async () => {
    const port = await closedPort();
    const r = await run(`http://127.0.0.1:${port}`, '3', (c) => c.getEvent('latest'));
    expect(r.result).toContain('connection refused');
    expect(r.trace.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(2);
    expect(r.events.map((e) => e.kind)).toEqual(['start', 'retry', 'end']);
    expect(r.events[1]).toMatchObject({ kind: 'retry', attempt: 2, attempts: 4 });
    expect(r.clock.sleeps).toHaveLength(1);
  });

  it('a server that never answers: start, each retry with its reason, end', async () => {
    const s = createServer(() => undefined);
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    try {
      const r = await run(`http://127.0.0.1:${(s.address() as AddressInfo).port}`, '2', (c) => c.getEvent('latest'));
      expect(r.result).toContain('no answer');
      expect(r.events.map((e) => e.kind)).toEqual(['start', 'retry', 'retry', 'end']);
      expect(r.events.filter((e) => e.kind === 'retry').map((e) => e.kind === 'retry' && e.reason)).toEqual([
        expect.stringContaining('no answer'),
        expect.stringContaining('no answer'),
      ]);
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });

  it('an answer: start and end, with one id', async () => {
    const s = createServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(EVENT));
    });
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    try {
      // a timeout no loaded machine misses: the answer must be taken
      const r = await run(
        `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        '2',
        (c) => c.getEvent('latest'),
        '10',
      );
      expect(r.result).toBe('ok');
      expect(r.events).toEqual([
        {
          kind: 'start',
          id: expect.any(Number),
          host: expect.stringContaining('http://127.0.0.1:'),
          endpoint: '/v0/cluster/events/latest',
        },
        { kind: 'end', id: r.events[0]!.id },
      ]);
    } finally {
      s.close();
    }
  });
});
