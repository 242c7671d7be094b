/**
 * Each behaviour of ofetch the client relies on, pinned one by one, so that an ofetch upgrade that
 * changes one fails here, by name, rather than somewhere in a command. ofetch runs over a fetch of
 * our own here, the way the client runs it over transport.ts: nothing goes on the network.
 */
import { spawnSync } from 'node:child_process';
import { createFetch, FetchError, type FetchOptions } from 'ofetch';
import { describe, expect, it } from 'vitest';
import { ofetchCore } from '../../esbuild.ofetch.mjs';
import { MiniHeaders, NodeResponse } from '../../src/api/transport.js';

interface Call {
  url: string;
  init: RequestInit & { maxBytes?: number };
}

/** An ofetch over a fetch that records each call and answers with `answer(call)`. */
function ofetchOver(answer: (call: Call) => Promise<Response>) {
  const calls: Call[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return answer(call);
  };
  return { $fetch: createFetch({ fetch, Headers: MiniHeaders, AbortController }), calls };
}

function response(status: number, body: string, headers: Record<string, string> = {}): NodeResponse {
  return new NodeResponse(status, 'Status', new MiniHeaders(headers), 'http://x/', Buffer.from(body));
}

const ONE_ATTEMPT: FetchOptions<'json'> = { retry: false, ignoreResponseError: true };

describe('the build takes createFetch from the module that defines it', () => {
  it("is ofetch's public createFetch and FetchError, by identity, from a module its entry imports", async () => {
    const core = await ofetchCore();
    expect(core.file).not.toBe(core.entry);
    expect(core.file.startsWith(core.entry.slice(0, core.entry.lastIndexOf('/')))).toBe(true);
    const mod = (await import(core.file)) as Record<string, unknown>;
    expect(mod[core.names.createFetch]).toBe(createFetch);
    expect(mod[core.names.FetchError]).toBe(FetchError);
  });

  it("loads without Node's fetch stack, where ofetch's entry loads it (the reason the build does this)", async () => {
    const core = await ofetchCore();
    const undiciAfter = (file: string) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(file)}); console.log(process.moduleLoadList.some((m) => /undici/.test(m)))`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(undiciAfter(core.file)).toBe('false');
    // When this fails, ofetch's entry no longer loads undici: the build may take ofetch as it is.
    expect(undiciAfter(core.entry)).toBe('true');
  });
});

describe('one attempt', () => {
  it('retry: false makes one call of the fetch even for a GET without an answer (ofetch retries GETs once by default)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { $fetch, calls } = ofetchOver(() => Promise.reject(refused));
    const e = await $fetch.raw('/v0/config', { ...ONE_ATTEMPT, baseURL: 'http://127.0.0.1:1' }).catch((x) => x);
    expect(calls).toHaveLength(1);
    // Without an answer: a FetchError whose cause is what the fetch threw, and no response.
    expect(e).toBeInstanceOf(FetchError);
    expect(e.cause).toBe(refused);
    expect(e.response).toBeUndefined();
  });

  it('timeout aborts the signal it gives the fetch with a TimeoutError, which becomes the cause', async () => {
    const { $fetch, calls } = ofetchOver(
      ({ init }) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    );
    const e = await $fetch.raw('/x', { ...ONE_ATTEMPT, baseURL: 'http://h', timeout: 5 }).catch((x) => x);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.signal?.aborted).toBe(true);
    expect(e).toBeInstanceOf(FetchError);
    expect(e.cause.name).toBe('TimeoutError');
  });

  it('each call arms its own timeout: the options object given is not changed', async () => {
    const { $fetch, calls } = ofetchOver(async () => response(200, '{}'));
    const options = { ...ONE_ATTEMPT, baseURL: 'http://h', timeout: 1000 };
    await $fetch.raw('/a', options);
    await $fetch.raw('/a', options);
    expect(options).not.toHaveProperty('signal');
    expect(calls[0]!.init.signal).not.toBe(calls[1]!.init.signal);
  });
});

describe('the request', () => {
  it('joins the path (with its query) to baseURL, a base with a path of its own too', async () => {
    const { $fetch, calls } = ofetchOver(async () => response(200, '{}'));
    await $fetch.raw('/v0/cluster/events/latest?selector=status', { ...ONE_ATTEMPT, baseURL: 'https://h:8443' });
    await $fetch.raw('/v0/config', { ...ONE_ATTEMPT, baseURL: 'https://h/feldera' });
    expect(calls.map((c) => c.url)).toEqual([
      'https://h:8443/v0/cluster/events/latest?selector=status',
      'https://h/feldera/v0/config',
    ]);
  });

  it('hands the headers to the fetch in the Headers class it was created with, and other options as they are', async () => {
    const { $fetch, calls } = ofetchOver(async () => response(200, '{}'));
    const options = { ...ONE_ATTEMPT, baseURL: 'http://h', headers: { accept: 'application/json', 'X-Y': 'z' } };
    await $fetch.raw('/', { ...options, maxBytes: 1234 } as FetchOptions<'json'>);
    const { headers, maxBytes } = calls[0]!.init;
    expect(headers).toBeInstanceOf(MiniHeaders);
    expect([...(headers as MiniHeaders)]).toEqual([
      ['accept', 'application/json'],
      ['x-y', 'z'],
    ]);
    expect(maxBytes).toBe(1234);
  });
});

describe('the answer', () => {
  // transport.ts answers with `body: null` and the bytes in `_bodyInit`, which ofetch reads as "has a body"
  // (its support for fetch implementations without streams): the two tests below hold it to that.
  it("parseResponse gets the body's text, whatever the content type and status; its value is _data", async () => {
    const bodies = [
      response(200, '{"a":1}', { 'content-type': 'application/json' }),
      response(502, '<html><title>Bad Gateway</title></html>', { 'content-type': 'text/html' }),
      response(401, '{"message":"x"}', { 'content-type': 'text/plain; charset=utf-8' }),
      response(200, '\u00e9\u{1f980}', {}),
    ];
    const texts = ['{"a":1}', '<html><title>Bad Gateway</title></html>', '{"message":"x"}', '\u00e9\u{1f980}'];
    const { $fetch } = ofetchOver(async () => bodies.shift()!);
    for (const text of texts) {
      const seen: string[] = [];
      const r = await $fetch.raw('/', {
        ...ONE_ATTEMPT,
        baseURL: 'http://h',
        parseResponse: (t: string) => {
          seen.push(t);
          return { parsed: t.length };
        },
      });
      expect(seen).toEqual([text]);
      expect(r._data).toEqual({ parsed: text.length });
    }
  });

  it('an empty body is not parsed: _data stays undefined (the client reports "empty body")', async () => {
    const { $fetch } = ofetchOver(async () => response(200, ''));
    let parsed = 0;
    const r = await $fetch.raw('/', { ...ONE_ATTEMPT, baseURL: 'http://h', parseResponse: () => ++parsed });
    expect(parsed).toBe(0);
    expect(r._data).toBeUndefined();
  });

  it('ignoreResponseError: every status is returned as the response, none thrown', async () => {
    for (const status of [301, 400, 401, 404, 429, 500, 502, 503, 504]) {
      const { $fetch, calls } = ofetchOver(async () => response(status, '{"message":"m","error_code":"E"}'));
      const r = await $fetch.raw('/', { ...ONE_ATTEMPT, baseURL: 'http://h', parseResponse: JSON.parse });
      expect(r.status).toBe(status);
      expect(r._data).toEqual({ message: 'm', error_code: 'E' });
      expect(calls).toHaveLength(1);
    }
  });

  it('the response is the one the fetch returned: its headers and status text are ours', async () => {
    const sent = response(503, '{}', { 'retry-after': '5', date: 'Mon, 08 Dec 2025 14:00:00 GMT' });
    const { $fetch } = ofetchOver(async () => sent);
    const r = await $fetch.raw('/', { ...ONE_ATTEMPT, baseURL: 'http://h', parseResponse: JSON.parse });
    expect(r).toBe(sent);
    expect(r.headers.get('retry-after')).toBe('5');
  });
});
