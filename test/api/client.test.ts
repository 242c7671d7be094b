import { afterEach, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/api/auth.js';
import { type ClientOptions, createClient, type RequestProgress } from '../../src/api/client.js';
import { parseRetryAfter } from '../../src/api/retry.js';
import { type Connection, type GlobalFlags, resolveConnection } from '../../src/config/connection.js';
import { CliError } from '../../src/errors.js';
import {
  EVENT,
  type FakeServer,
  failure,
  fakeServer,
  feldera,
  HEALTH,
  PLATFORM,
  recordingClock,
  type Step,
  selfSignedCert,
} from '../helpers/fake-server.js';
// .invalid names fail here without a DNS query: tests send nothing off this machine.
import '../helpers/test-names.cjs';

const KEY = `apikey:${'AbCd'.padEnd(124, 'x')}wxyz`;

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(
  route: (path: string, n: number) => Step,
  tls?: { key: string; cert: string },
): Promise<FakeServer> {
  const s = await fakeServer((req, n) => route(req.url ?? '', n), tls);
  servers.push(s);
  return s;
}

/** The n-th request gets the n-th step; the last step answers every request after it. */
function inTurn(...steps: Step[]): (path: string, n: number) => Step {
  return (_path, n) => steps[Math.min(n, steps.length - 1)]!;
}

/** A step per path; `otherwise` for any other path. */
function byPath(steps: Record<string, Step>, otherwise: Step): (path: string) => Step {
  return (path) => (Object.hasOwn(steps, path) ? steps[path]! : otherwise);
}

function conn(host: string, env: Record<string, string> = {}, flags: GlobalFlags = {}): Connection {
  return resolveConnection({ host, ...flags }, env, { profiles: {} });
}

function client(c: Connection, opts: ClientOptions = {}) {
  return createClient(c, { clock: recordingClock(), ...opts });
}

describe('headers', () => {
  it('sends Bearer and Feldera-Tenant, accepts JSON, and nothing else secret', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const cl = await client(conn(s.url, { FELDERA_API_KEY: KEY, FELDERA_TENANT: 'acme' }));
    const a = await cl.getEvent('latest');
    expect(a.data.id).toBe(EVENT.id);
    expect(a.status).toBe(200);
    expect(a.serverDate).toBeGreaterThan(0);
    expect(a.bytes).toBeGreaterThan(JSON.stringify(EVENT).length);
    expect(s.seen[0]!.url).toBe('/v0/cluster/events/latest?selector=status');
    expect(s.seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(s.seen[0]!.headers['feldera-tenant']).toBe('acme');
    expect(s.seen[0]!.headers.accept).toBe('application/json');
    cl.close();
  });

  it('sends no Authorization without a credential and no tenant header without a tenant', async () => {
    const s = await serve(() => ({ status: 200, json: {} }));
    const cl = await client(conn(s.url));
    await cl.authConfig();
    expect(s.seen[0]!.headers.authorization).toBeUndefined();
    expect(s.seen[0]!.headers['feldera-tenant']).toBeUndefined();
  });

  it('encodes the event id in the path', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const cl = await client(conn(s.url));
    await cl.getEvent(EVENT.id, 'all');
    expect(s.seen[0]!.url).toBe(`/v0/cluster/events/${EVENT.id}?selector=all`);
  });
});

describe('bearer over plain http', () => {
  it.each(['http://feldera.example.com', 'http://10.0.0.5:8080', 'http://0.0.0.0:8080'])(
    'refuses to send a credential to %s',
    async (host) => {
      const e = await failure(createClient(conn(host, { FELDERA_API_KEY: KEY })));
      expect(e.apiKind).toBe('insecure-credential');
      expect(e.message).toContain('refusing to send a bearer credential in clear text');
      expect(e.message).toContain(host.replace(/\/$/, ''));
      expect(e.hint).toContain('https://');
      expect(e.message + e.hint).not.toContain(KEY);
    },
  );

  it('refuses a token command too, without running it', async () => {
    let ran = 0;
    const e = await failure(
      createClient(conn('http://feldera.example.com', { FELDERA_AUTH_TOKEN_COMMAND: 'echo t' }), {
        runTokenCommand: async () => {
          ran++;
          return 't';
        },
      }),
    );
    expect(e.apiKind).toBe('insecure-credential');
    expect(ran).toBe(0);
  });

  it.each(['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1', 'https://feldera.example.com'])(
    'allows %s',
    async (host) => {
      const cl = await createClient(conn(host, { FELDERA_API_KEY: KEY }));
      expect(cl.connection.host).toBe(host);
      cl.close();
    },
  );

  it('allows plain http to any host without a credential', async () => {
    const cl = await createClient(conn('http://feldera.example.com')); // throws if refused
    expect(cl.connection.baseUrl).toBe('http://feldera.example.com');
    cl.close();
  });
});

describe('retries', () => {
  it('retries 502/503/504 and succeeds, with growing back-off', async () => {
    const s = await serve(
      inTurn(
        { status: 502, body: '<html><title>502 Bad Gateway</title></html>', headers: { 'content-type': 'text/html' } },
        { status: 503, body: 'busy' },
        { status: 504, body: '' },
        { status: 200, json: EVENT },
      ),
    );
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock });
    const a = await cl.getEvent('latest');
    expect(a.data.id).toBe(EVENT.id);
    expect(s.seen).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
    // 250, 500, 1000 ms ±25 %
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(187);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(313);
    expect(clock.sleeps[2]).toBeGreaterThanOrEqual(750);
    expect(clock.sleeps[2]).toBeLessThanOrEqual(1250);
  });

  it('honours Retry-After in seconds on 429 and 503', async () => {
    const s = await serve(
      inTurn(
        { status: 429, body: '', headers: { 'retry-after': '7' } },
        { status: 503, body: '', headers: { 'retry-after': '2' } },
        { status: 200, json: EVENT },
      ),
    );
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock });
    await cl.getEvent('latest');
    expect(clock.sleeps).toEqual([7000, 2000]);
  });

  it('honours Retry-After as an HTTP date, measured against the server clock', async () => {
    const serverNow = Date.UTC(2030, 0, 1, 12, 0, 0);
    const s = await serve((_p, n) =>
      n === 0
        ? {
            status: 503,
            body: '',
            headers: {
              date: new Date(serverNow).toUTCString(),
              'retry-after': new Date(serverNow + 4000).toUTCString(),
            },
          }
        : { status: 200, json: EVENT },
    );
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock });
    await cl.getEvent('latest');
    expect(clock.sleeps).toEqual([4000]);
  });

  it('gives up when Retry-After would pass the total time limit', async () => {
    const s = await serve(() => ({ status: 503, body: 'wait', headers: { 'retry-after': '600' } }));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock, retryBudgetMs: 30_000 });
    const e = await failure(cl.getEvent('latest'));
    expect(e.apiKind).toBe('proxy');
    expect(e.status).toBe(503);
    expect(clock.sleeps).toEqual([]);
    expect(s.seen).toHaveLength(1);
  });

  it('stops after --retries attempts', async () => {
    const s = await serve(() => ({ status: 502, body: '' }));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url, {}, { retries: '2' }), { clock });
    const e = await failure(cl.getEvent('latest'));
    expect(s.seen).toHaveLength(3);
    expect(e.apiKind).toBe('proxy');
    expect(e.message).toContain('502');
    expect(e.transient).toBe(true);
  });

  it('stops at the total time limit', async () => {
    const s = await serve(() => ({ status: 503, body: '' }));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url, {}, { retries: '50' }), { clock, retryBudgetMs: 5000 });
    await failure(cl.getEvent('latest'));
    const total = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(5000);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(3);
    expect(clock.sleeps.length).toBeLessThan(10);
  });

  it.each([400, 401, 403, 404, 500, 501])('does not retry %i', async (status) => {
    const s = await serve(() => feldera(status, 'nope', 'Something'));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock });
    await failure(cl.getEvent('latest'));
    expect(s.seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries when the connection drops without an answer', async () => {
    const s = await serve((_p, n) => (n === 0 ? { drop: true } : { status: 200, json: EVENT }));
    const cl = await client(conn(s.url));
    expect((await cl.getEvent('latest')).data.id).toBe(EVENT.id);
    expect(s.seen).toHaveLength(2);
  });

  it('retries a request that timed out, then reports the timeout', async () => {
    const s = await serve(() => ({ hang: true }));
    // Counted by the client: on a loaded machine a retry may time out before the server sees it.
    const progress: RequestProgress[] = [];
    const cl = await client(conn(s.url, {}, { requestTimeout: '0.15', retries: '1' }), {
      progress: (p) => progress.push(p),
    });
    const e = await failure(cl.getEvent('latest'));
    expect(e.apiKind).toBe('timeout');
    expect(e.message).toContain('no answer from');
    expect(e.hint).toContain('--request-timeout');
    expect(progress.map((p) => p.kind)).toEqual(['start', 'retry', 'end']);
    expect(progress[1]).toMatchObject({ kind: 'retry', attempt: 2, reason: expect.stringContaining('no answer') });
  });

  it('a retry after a timeout gets a timeout of its own, and its answer is taken', async () => {
    const s = await serve((_p, n) => (n === 0 ? { hang: true } : { status: 200, json: EVENT }));
    // long enough for any loaded machine to answer the retry in time
    const cl = await client(conn(s.url, {}, { requestTimeout: '1', retries: '1' }));
    expect((await cl.getEvent('latest')).data.id).toBe(EVENT.id);
    expect(s.seen).toHaveLength(2);
  });

  it("a real 500 is not retried, whatever its body (ofetch's own retry would take it for no answer)", async () => {
    const s = await serve(() => ({ status: 500, body: '<title>Internal Server Error</title>', headers: {} }));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url, {}, { retries: '3' }), { clock });
    const e = await failure(cl.getEvent('latest'));
    expect(e.status).toBe(500);
    expect(s.seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('--verbose says each attempt, each retry with its number and wait, and why it stopped', async () => {
    const s = await serve((_p, n) =>
      n === 0 ? { status: 502, body: '' } : { status: 503, body: '', headers: { 'retry-after': '40' } },
    );
    const lines: string[] = [];
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock, retryBudgetMs: 30_000, trace: (l) => lines.push(l) });
    await failure(cl.getEvent('latest'));
    expect(lines).toEqual([
      'GET /v0/cluster/events/latest?selector=status → 502 Bad Gateway (0 ms)',
      expect.stringMatching(
        new RegExp(
          `^retrying in \\d+ ms \\(attempt 2 of 4\\): ${s.url} answered 502 Bad Gateway for /v0/cluster/events/latest$`,
        ),
      ),
      expect.stringMatching(
        /^GET \/v0\/cluster\/events\/latest\?selector=status → 503 Service Unavailable \(\d+ ms\)$/,
      ),
      'not retrying: waiting 40000 ms would exceed the 30 s limit',
    ]);
    expect(s.seen).toHaveLength(2);
  });

  it('Retry-After is named in the trace when it sets the wait', async () => {
    const s = await serve((_p, n) =>
      n === 0 ? { status: 429, body: '', headers: { 'retry-after': '3' } } : { status: 200, json: EVENT },
    );
    const lines: string[] = [];
    const cl = await client(conn(s.url), { trace: (l) => lines.push(l) });
    await cl.getEvent('latest');
    expect(lines[1]).toMatch(/^retrying in 3000 ms \(Retry-After\) \(attempt 2 of 4\): /);
  });
});

describe('/v0/cluster_healthz', () => {
  it('a 503 with the HealthStatus body is an answer, not an error', async () => {
    const s = await serve(() => ({ status: 503, json: HEALTH }));
    const clock = recordingClock();
    const cl = await createClient(conn(s.url), { clock });
    const a = await cl.clusterHealth();
    expect(a.status).toBe(503);
    expect(a.data.compiler.healthy).toBe(false);
    expect(clock.sleeps).toEqual([]);
  });

  it('a proxy page that only repeats the status line is not quoted again', async () => {
    const s = await serve(() => ({
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      headers: { 'content-type': 'text/html' },
    }));
    const e = await failure((await client(conn(s.url, {}, { retries: '0' }))).getEvent('latest'));
    expect(e.message).toBe(`${s.url} answered 502 Bad Gateway for /v0/cluster/events/latest`);
  });

  it('a 503 page from a proxy is retried and reported as a proxy error', async () => {
    const s = await serve(() => ({
      status: 503,
      body: '<html><title>Service Unavailable</title></html>',
      headers: { 'content-type': 'text/html' },
    }));
    const cl = await client(conn(s.url, {}, { retries: '2' }));
    const e = await failure(cl.clusterHealth());
    expect(s.seen).toHaveLength(3);
    expect(e.apiKind).toBe('proxy');
    expect(e.message).toContain('503');
    expect(e.message).toContain('Service Unavailable');
    expect(e.message).toContain('/v0/cluster_healthz');
  });
});

describe('errors, one line each with a hint', () => {
  it('401 without a body: credentials needed, hint cluster login', async () => {
    const s = await serve(() => ({ status: 401, body: '', headers: { 'www-authenticate': 'Bearer' } }));
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('unauthorized');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('requires credentials');
    expect(e.hint).toContain('cluster login');
  });

  it('401 for a token that is not an API key: the challenge says why, no body', async () => {
    const s = await serve(() => ({
      status: 401,
      body: '',
      headers: { 'www-authenticate': 'Bearer error_description="Malformed JWT: missing iss claim"' },
    }));
    const e = await failure((await client(conn(s.url, { FELDERA_API_KEY: 'not-a-key' }))).getEvent('latest'));
    expect(e.apiKind).toBe('unauthorized');
    expect(e.message).toBe(`not authorised: ${s.url} refused the bearer token (Malformed JWT: missing iss claim)`);
    expect(e.hint).toContain('FELDERA_API_KEY');
  });

  it("401 AuthenticationFailed sent as text/plain (actix's internal error): still read as Feldera's body", async () => {
    const s = await serve(() => ({
      status: 401,
      body: '{"message":"Unauthorized API key","error_code":"AuthenticationFailed"}',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    }));
    const e = await failure((await client(conn(s.url, { FELDERA_API_KEY: KEY }))).getEvent('latest'));
    expect(e.message).toBe('not authorised: Unauthorized API key');
    expect(e.errorCode).toBe('AuthenticationFailed');
  });

  it('401 AuthenticationFailed with a key from the environment names FELDERA_API_KEY', async () => {
    const s = await serve(() => feldera(401, 'Unauthorized API key', 'AuthenticationFailed', undefined));
    const e = await failure((await client(conn(s.url, { FELDERA_API_KEY: KEY }))).getEvent('latest'));
    expect(e.message).toBe('not authorised: Unauthorized API key');
    expect(e.hint).toContain('FELDERA_API_KEY');
    expect(e.message + e.hint).not.toContain(KEY);
  });

  it('401 with a stored key names the profile', async () => {
    const s = await serve(() => feldera(401, 'Unauthorized API key', 'AuthenticationFailed', undefined));
    const c = resolveConnection(
      {},
      {},
      { current: 'prod', profiles: { prod: { host: s.url, auth: { kind: 'apikey', apiKey: KEY } } } },
    );
    const e = await failure((await client(c)).getEvent('latest'));
    expect(e.hint).toContain('cluster login --profile prod');
  });

  it('403: the role is too low', async () => {
    const s = await serve(() => feldera(403, 'No authenticated principal', 'InsufficientPermissions', undefined));
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('forbidden');
    expect(e.message).toBe('forbidden: No authenticated principal');
    expect(e.hint).toContain('read');
  });

  it('404 UnknownClusterMonitorEvent explains retention', async () => {
    const s = await serve(() =>
      feldera(
        404,
        `Cluster monitor event with identifier '${EVENT.id}' does not exist -- it might have been deleted`,
        'UnknownClusterMonitorEvent',
        { event_id: EVENT.id },
      ),
    );
    const e = await failure((await client(conn(s.url))).getEvent(EVENT.id));
    expect(e.apiKind).toBe('unknown-event');
    expect(e.hint).toContain('72 h');
    expect(e.hint).toContain('1000');
  });

  it('404 NoClusterMonitorEventsAvailable: no events yet', async () => {
    const s = await serve(() =>
      feldera(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable'),
    );
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('no-events');
    expect(e.errorCode).toBe('NoClusterMonitorEventsAvailable');
  });

  it('404 without a Feldera body: no cluster-events API', async () => {
    const s = await serve(() => ({ status: 404, body: '' }));
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('no-api');
    expect(e.message).toContain('has no cluster-events API');
    expect(e.hint).toMatch(/too old|not a Feldera/);
  });

  it('500 and 501 carry the server message', async () => {
    const s = await serve((_p, n) =>
      n === 0 ? feldera(500, 'database unreachable', 'DbError') : feldera(501, 'not in this edition', 'NotImplemented'),
    );
    const cl = await client(conn(s.url));
    const e1 = await failure(cl.getEvent('latest'));
    expect(e1.apiKind).toBe('server');
    expect(e1.message).toContain('database unreachable');
    const e2 = await failure(cl.getEvent('latest'));
    expect(e2.message).toContain('501');
    expect(e2.message).toContain('not in this edition');
    expect(e2.hint).toContain('edition');
  });

  it('400 plain text from the framework', async () => {
    const s = await serve(() => ({ status: 400, body: 'Query deserialize error: unknown variant `x`' }));
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('bad-request');
    expect(e.message).toContain('unknown variant');
  });

  it('server text is sanitised: no escape sequences or control characters', async () => {
    const s = await serve(() =>
      feldera(500, 'boom\u001b[31mRED\u001b[0m\u001b]0;title\u0007\r\nnext\u0000', 'X\u001b[2J'),
    );
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f]/);
    expect(e.message).toContain('boomRED');
  });

  it('connection refused names the host', async () => {
    const s = await serve(() => ({ status: 200, json: {} }));
    const url = s.url;
    await s.close();
    servers = [];
    const e = await failure((await client(conn(url, {}, { retries: '1' }))).getEvent('latest'));
    expect(e.apiKind).toBe('unreachable');
    expect(e.message).toBe(`cannot reach ${url}: connection refused`);
    expect(e.hint).toContain('--host');
  });

  it('with nothing configured, the failure says how to configure a host', async () => {
    const c = resolveConnection({ retries: '0' }, {}, { profiles: {} });
    expect(c.host).toBe('http://127.0.0.1:8080');
    expect(c.sources.host).toBe('default');
    // Point the default connection at a closed port, keeping its "default" source.
    const s = await serve(() => ({ status: 200, json: {} }));
    const url = s.url;
    await s.close();
    servers = [];
    const e = await failure((await client({ ...c, host: url, baseUrl: url })).getEvent('latest'));
    expect(e.message).toContain('no host is configured');
    expect(e.hint).toContain('cluster login');
    expect(e.hint).toContain('FELDERA_HOST');
  });

  it('a redirect is not followed; the target is named', async () => {
    const s = await serve(() => ({
      status: 301,
      body: '',
      headers: { location: 'https://feldera.example.com/v0/cluster/events/latest' },
    }));
    const e = await failure((await client(conn(s.url, { FELDERA_API_KEY: KEY }))).getEvent('latest'));
    expect(s.seen).toHaveLength(1);
    expect(e.message).toContain(
      'redirects /v0/cluster/events/latest to https://feldera.example.com/v0/cluster/events/latest (301)',
    );
    expect(e.hint).toContain('not followed');
  });

  it('an unknown host name is not retried', async () => {
    const clock = recordingClock();
    const e = await failure((await createClient(conn('http://no-such-host.invalid'), { clock })).getEvent('latest'));
    expect(e.apiKind).toBe('unreachable');
    expect(e.message).toContain('host name');
    expect(clock.sleeps).toEqual([]);
  });
});

describe('shape checks name the endpoint', () => {
  const cases: [string, Step, RegExp][] = [
    [
      'HTML from a proxy (200)',
      {
        status: 200,
        body: '<!doctype html><html><title>Login</title></html>',
        headers: { 'content-type': 'text/html' },
      },
      /HTML page instead of JSON.*Login/,
    ],
    [
      'truncated JSON',
      { status: 200, body: '{"id": "01938f2c-7a4b', headers: { 'content-type': 'application/json' } },
      /not valid JSON, it ends too early/,
    ],
    ['empty body', { status: 200, body: '' }, /empty body/],
    ['a missing field', { status: 200, json: { ...EVENT, runner_status: undefined } }, /has no "runner_status"/],
    [
      'an unknown status value',
      { status: 200, json: { ...EVENT, api_status: 'Sleepy' } },
      /"api_status" is "Sleepy", expected one of Healthy, Unhealthy, InitialUnhealthy/,
    ],
    [
      'a wrong type',
      { status: 200, json: { ...EVENT, all_healthy: 'yes' } },
      /"all_healthy" is "yes", expected true or false/,
    ],
    ['an array instead of an object', { status: 200, json: [EVENT] }, /is an array, expected an object/],
  ];
  it.each(cases)('%s', async (_name, step, re) => {
    const s = await serve(() => step);
    const e = await failure((await client(conn(s.url))).getEvent('latest'));
    expect(e.apiKind).toBe('invalid-response');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('/v0/cluster/events/latest');
    expect(e.message).toMatch(re);
  });

  it('an answer cut off mid-body is reported as cut off', async () => {
    const s = await serve(() => ({ cut: '{"id": "0193' }));
    const e = await failure((await client(conn(s.url, {}, { retries: '0' }))).getEvent('latest'));
    expect(e.message).toContain('cut off');
    expect(e.message).toContain('/v0/cluster/events/latest');
  });

  it('ignores unknown extra fields and keeps the values as sent', async () => {
    const s = await serve(() => ({ status: 200, json: { ...EVENT, extra: 1, recorded_at: '2025-12-08T14:03:06Z' } }));
    const a = await (await client(conn(s.url))).getEvent('latest');
    expect(a.data).toHaveProperty('extra', 1);
    expect(a.data.recorded_at).toBe('2025-12-08T14:03:06Z');
  });

  it('platform config, session and auth config are checked', async () => {
    const s = await serve(
      byPath(
        {
          '/v0/config': { status: 200, json: { edition: 'Open source' } },
          '/v0/config/session': { status: 200, json: { role: 'boss', memberships: [] } },
        },
        { status: 200, json: [] },
      ),
    );
    const cl = await client(conn(s.url));
    expect((await failure(cl.platformConfig())).message).toContain('has no "version"');
    expect((await failure(cl.session())).message).toContain('"role" is "boss"');
    expect((await failure(cl.authConfig())).message).toContain('/config/authentication');
  });

  it('reads platform config, session and auth config', async () => {
    const s = await serve(
      byPath(
        {
          '/v0/config': { status: 200, json: PLATFORM },
          '/v0/config/session': {
            status: 200,
            json: { tenant_id: null, tenant_name: null, role: null, memberships: [] },
          },
        },
        { status: 200, json: { GenericOidc: { issuer: 'x', client_id: 'y', extra_oidc_scopes: [] } } },
      ),
    );
    const cl = await client(conn(s.url));
    expect((await cl.platformConfig()).data.version).toBe('0.337.0');
    expect((await cl.session()).data.role).toBeNull();
    expect(Object.keys((await cl.authConfig()).data)).toEqual(['GenericOidc']);
  });
});

describe('token command', () => {
  it('runs once per client, again after refreshCredential()', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    let runs = 0;
    const cl = await client(conn(s.url, { FELDERA_AUTH_TOKEN_COMMAND: 'print-token' }), {
      runTokenCommand: async (cmd) => {
        expect(cmd).toBe('print-token');
        return `tok-${++runs}`;
      },
    });
    await cl.getEvent('latest');
    await cl.getEvent('latest');
    expect(runs).toBe(1);
    expect(s.seen.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(cl.refreshCredential()).toBe(true);
    await cl.getEvent('latest');
    expect(runs).toBe(2);
    expect(s.seen[2]!.headers.authorization).toBe('Bearer tok-2');
  });

  it('refreshCredential() is false without a token command', async () => {
    const cl = await client(conn('http://127.0.0.1:1', { FELDERA_API_KEY: KEY }));
    expect(cl.refreshCredential()).toBe(false);
  });

  it('runs a real shell command', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const cl = await createClient(conn(s.url, { FELDERA_AUTH_TOKEN_COMMAND: 'printf "%s\\n" shell-token' }));
    await cl.getEvent('latest');
    expect(s.seen[0]!.headers.authorization).toBe('Bearer shell-token');
  });

  it('a failing command is a clear error that does not show the token', async () => {
    const cl = await createClient(
      conn('http://127.0.0.1:1', {
        FELDERA_AUTH_TOKEN_COMMAND: 'echo "denied: apikey:SECRETSECRETSECRETSECRET" >&2; exit 3',
      }),
    );
    const e = await cl.getEvent('latest').then(
      () => undefined,
      (x: unknown) => x as CliError,
    );
    expect(e).toBeInstanceOf(CliError);
    expect(e!.message).toContain('the token command failed (exit 3)');
    expect(e!.message).not.toContain('SECRETSECRETSECRETSECRET');
  });

  it('a command that reads stdin gets end-of-file at once', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const cl = await createClient(conn(s.url, { FELDERA_AUTH_TOKEN_COMMAND: 'cat >/dev/null; echo from-cat' }));
    await cl.getEvent('latest');
    expect(s.seen[0]!.headers.authorization).toBe('Bearer from-cat');
  });

  it('output that is not one token is refused', async () => {
    const cl = await client(conn('http://127.0.0.1:1', { FELDERA_AUTH_TOKEN_COMMAND: 'x' }), {
      runTokenCommand: async () => 'two\nlines',
    });
    await expect(cl.getEvent('latest')).rejects.toThrow(/not a single bearer token/);
  });
});

describe('secrets never leave', () => {
  it('--verbose traces and errors never carry the key', async () => {
    const s = await serve((_p, n) =>
      n === 0 ? { status: 503, body: `echo Bearer ${KEY}` } : feldera(401, `bad key ${KEY}`, 'AuthenticationFailed'),
    );
    const lines: string[] = [];
    const cl = await client(conn(s.url, { FELDERA_API_KEY: KEY }), { trace: (l) => lines.push(l) });
    const e = await failure(cl.getEvent('latest'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const all = lines.join('\n') + e.message + (e.hint ?? '');
    expect(all).not.toContain(KEY);
    expect(e.message).toContain('apikey:AbCd…wxyz');
  });

  it('redactSecrets hides API keys and JWTs', () => {
    expect(redactSecrets(`key ${KEY} and eyJhbGciOi.eyJzdWIiOiIx.sig-nature`)).toBe('key apikey:AbCd…wxyz and <token>');
  });
});

describe('TLS', () => {
  const tls = selfSignedCert();

  it.skipIf(!tls)('a self-signed certificate fails with a --ca-cert hint', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }), tls);
    const clock = recordingClock();
    const e = await failure((await createClient(conn(s.url), { clock })).getEvent('latest'));
    expect(e.apiKind).toBe('tls');
    expect(e.message).toContain('TLS failure');
    expect(e.hint).toContain('--ca-cert');
    expect(clock.sleeps).toEqual([]); // not retried
  });

  it.skipIf(!tls)('works with --ca-cert, and with --insecure', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }), tls);
    expect((await (await client(conn(s.url, {}, { caCert: tls!.certFile }))).getEvent('latest')).data.id).toBe(
      EVENT.id,
    );
    expect((await (await client(conn(s.url, { FELDERA_TLS_INSECURE: '1' }))).getEvent('latest')).data.id).toBe(
      EVENT.id,
    );
    // localhost matches the certificate's name too; a bearer key goes over https to any host
    const viaName = s.url.replace('127.0.0.1', 'localhost');
    expect(
      (await (await client(conn(viaName, { FELDERA_API_KEY: KEY }, { caCert: tls!.certFile }))).getEvent('latest')).data
        .id,
    ).toBe(EVENT.id);
  });

  it('https to a plain http server is a TLS failure', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const e = await failure((await client(conn(s.url.replace('http:', 'https:')))).getEvent('latest'));
    expect(e.apiKind).toBe('tls');
  });

  it('https to a plain http server names the likely cause, without OpenSSL noise', async () => {
    const s = await serve(() => ({ status: 200, json: EVENT }));
    const e = await failure((await client(conn(s.url.replace('http:', 'https:')))).getEvent('latest'));
    expect(e.message).toMatch(/did not answer in TLS \(wrong version number\)$/);
    expect(e.message).not.toMatch(/EPROTO|SSL routines|openssl/);
    expect(e.hint).toContain('http://');
  });

  it('a --ca-cert file without a PEM certificate is refused before any request', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'cluster-ca-')), 'not-a-cert.pem');
    writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\n');
    await expect(createClient(conn('https://127.0.0.1:1', {}, { caCert: file }))).rejects.toThrow(
      /holds no PEM certificate/,
    );
  });

  it('an unreadable --ca-cert is a clear error', async () => {
    await expect(createClient(conn('https://127.0.0.1:1', {}, { caCert: '/nonexistent/ca.pem' }))).rejects.toThrow(
      /cannot read the CA certificate \/nonexistent\/ca.pem/,
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, ignores junk', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2031 00:00:10 GMT', Date.UTC(2031, 0, 1))).toBe(10_000);
    expect(parseRetryAfter('Wed, 01 Jan 2031 00:00:10 GMT', Date.UTC(2031, 0, 2))).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
