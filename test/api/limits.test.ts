/**
 * What the client takes of an answer: bodies past their cap end the request at once ("answer too
 * large", exit 1, no retry), and JSON that nests too deep or packs too many values is refused
 * before it is parsed. Memory under hostile answers is measured in bench/hostile-memory.mjs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { ANSWER_LIMIT, jsonBeyondLimits, MAX_JSON_DEPTH, MiB } from '../../src/api/limits.js';
import { resolveConnection } from '../../src/config/connection.js';
import { EXIT } from '../../src/errors.js';
import { formatJson } from '../../src/render/json.js';
import { EVENT, failure, recordingClock } from '../helpers/fake-server.js';

describe('jsonBeyondLimits', () => {
  it('measures depth and values outside strings only', () => {
    expect(jsonBeyondLimits('[[[]]]', 3)).toBeUndefined();
    expect(jsonBeyondLimits('[[[[]]]]', 3)).toBe('its JSON nests more than 3 levels deep');
    expect(jsonBeyondLimits('["[[[[", "\\"[[[[", "\\\\", [[]]]', 3)).toBeUndefined();
    expect(jsonBeyondLimits('["\\\\\\"[[[["]', 1)).toBeUndefined();
    expect(jsonBeyondLimits('[1,2,3]', 10, 4)).toBeUndefined();
    expect(jsonBeyondLimits('[1,2,3,4]', 10, 4)).toBe('its JSON holds more than 4 values');
    expect(jsonBeyondLimits('{"a":{},"b":[]}', 10, 5)).toBeUndefined(); // counted from above: 1 + containers + commas
    expect(jsonBeyondLimits('"unterminated [[[[', 1)).toBeUndefined();
  });

  it('never refuses a value within the limits, and counts depth exactly (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        const depth = (x: unknown): number =>
          x !== null && typeof x === 'object' ? 1 + Math.max(0, ...Object.values(x).map(depth)) : 0;
        const d = depth(v);
        expect(jsonBeyondLimits(text, d, 1e9)).toBeUndefined();
        if (d > 0) expect(jsonBeyondLimits(text, d - 1, 1e9)).toMatch(/nests more than/);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A server whose every answer is made by `answer`; counts the requests. */
async function hostile(
  answer: (res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  const s = createServer((req, res) => {
    n++;
    req.resume();
    res.on('error', () => undefined);
    answer(res);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests: () => n };
}

async function clientFor(url: string) {
  return createClient(resolveConnection({ host: url, retries: '3' }, {}, { profiles: {} }), {
    clock: recordingClock(),
  });
}

/** Writes 1 MiB chunks without end, as fast as the client reads them. */
function endless(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(MiB, 0x20);
  res.write('[');
  const more = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  more();
}

describe('answer size caps', () => {
  it('an endless body: "answer too large" once the cap is passed, exit 1, not retried', async () => {
    const s = await hostile(endless);
    const c = await clientFor(s.url);
    const e = await failure(c.getEvent('latest'));
    c.close();
    expect(e.apiKind).toBe('too-large');
    expect(e.exitCode).toBe(EXIT.FAILURE);
    expect(e.message).toBe(
      `answer too large: ${s.url} sent more than 4 MiB for /v0/cluster/events/latest; stopped reading`,
    );
    expect(s.requests()).toBe(1);
    // it stopped reading: received at most the cap and what was in flight
    expect(c.stats().bytesReceived).toBeLessThan(ANSWER_LIMIT.event + 4 * MiB);
  });

  it('a declared length past the cap is refused before the body is read', async () => {
    const s = await hostile((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * MiB) });
      res.write('[');
    });
    const c = await clientFor(s.url);
    const e = await failure(c.listEvents());
    c.close();
    expect(e.message).toContain('sent more than 16 MiB for /v0/cluster/events');
    expect(c.stats().bytesReceived).toBeLessThan(MiB);
  });

  it('an error page past its cap is too large as well (a 502 is not retried then)', async () => {
    const s = await hostile((res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(2 * MiB) });
      res.end(Buffer.alloc(2 * MiB, 0x41));
    });
    const c = await clientFor(s.url);
    const e = await failure(c.platformConfig());
    c.close();
    expect(e.apiKind).toBe('too-large');
    expect(s.requests()).toBe(1);
  });

  it('a list just under its cap is taken', async () => {
    const pad = 'p'.repeat(ANSWER_LIMIT.list - 2 * MiB);
    const body = JSON.stringify([{ ...EVENT, pad }]);
    const s = await hostile((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const c = await clientFor(s.url);
    const a = await c.listEvents();
    c.close();
    expect(a.data).toHaveLength(1);
  });
});

describe('deeply nested JSON', () => {
  const deep = (n: number) => `{"id":"${EVENT.id}","x":${'['.repeat(n)}${']'.repeat(n)}}`;

  it('a 6 KB body nested 3,000 deep is a clear invalid answer, not a crash', async () => {
    const s = await hostile((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(deep(3000));
    });
    const c = await clientFor(s.url);
    const e = await failure(c.getEvent('latest'));
    c.close();
    expect(e.apiKind).toBe('invalid-response');
    expect(e.message).toBe(
      `invalid answer from /v0/cluster/events/latest: its JSON nests more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });

  it('formatJson refuses, rather than overflows, a value nested past its limit', () => {
    let v: unknown = [];
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(() => formatJson(v, { pretty: true })).toThrow(/cannot print JSON nested more than 256 levels deep/);
    expect(formatJson(JSON.parse(deep(60)))).toBe(deep(60));
  });
});
