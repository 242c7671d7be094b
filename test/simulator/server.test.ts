import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { scaledClock } from '../../src/simulator/clock.js';
import { manualClock, type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';
import { HOUR, httpClient, MIN, SEC, T0 } from './helpers.js';

const open: { sim: Simulator; client: ReturnType<typeof httpClient> }[] = [];

async function sim(opts: SimulatorOptions = {}) {
  const clock = manualClock(T0);
  const s = await startSimulator({ seed: 5, clock, ...opts });
  const client = httpClient(s.url);
  open.push({ sim: s, client });
  return { ...s, clock, get: client.get };
}

afterEach(async () => {
  for (const { sim: s, client } of open.splice(0)) {
    client.close();
    await s.close();
  }
});

const API_KEY = `apikey:${'k'.repeat(128)}`;

describe('routes', () => {
  it('serves events newest first with status fields only, and no-cache', async () => {
    const s = await sim({ scenario: 'flapping' });
    s.clock.advance(HOUR);
    const r = await s.get('/v0/cluster/events');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['cache-control']).toBe('no-cache');
    const list = r.json as { id: string; recorded_at: string }[];
    expect(list.map((e) => e.id)).toEqual(s.model.events().map((e) => e.id));
    expect(list.map((e) => e.recorded_at)).toEqual([...list.map((e) => e.recorded_at)].sort().reverse());
    expect(Object.keys(list[0]!)).toEqual([
      'id',
      'recorded_at',
      'all_healthy',
      'api_status',
      'compiler_status',
      'runner_status',
    ]);
  });

  it('one event: selector status (default) leaves the six infos out, all has them in Feldera field order', async () => {
    const s = await sim({ scenario: 'compiler-outage' });
    s.clock.advance(10 * MIN);
    const latest = s.model.latest()!;
    for (const path of [
      '/v0/cluster/events/latest',
      '/v0/cluster/events/latest?selector=status',
      `/v0/cluster/events/${latest.id}`,
    ]) {
      const r = await s.get(path);
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.json).toEqual({
        id: latest.id,
        recorded_at: latest.recorded_at,
        all_healthy: false,
        api_status: 'Healthy',
        compiler_status: 'Unhealthy',
        runner_status: 'Healthy',
      });
    }
    const all = await s.get(`/v0/cluster/events/${latest.id}?selector=all`);
    expect(Object.keys(all.json as object)).toEqual([
      'id',
      'recorded_at',
      'all_healthy',
      'api_status',
      'api_self_info',
      'api_resources_info',
      'compiler_status',
      'compiler_self_info',
      'compiler_resources_info',
      'runner_status',
      'runner_self_info',
      'runner_resources_info',
    ]);
    expect((all.json as { compiler_self_info: string }).compiler_self_info).toBe(latest.compiler_self_info);
  });

  it('accepts the other UUID forms the uuid crate parses', async () => {
    const s = await sim();
    s.clock.advance(MIN);
    const id = s.model.latest()!.id;
    for (const form of [id.toUpperCase(), id.replace(/-/g, ''), `%7B${id}%7D`, `urn:uuid:${id}`]) {
      const r = await s.get(`/v0/cluster/events/${form}`);
      expect(r.status, form).toBe(200);
      expect((r.json as { id: string }).id).toBe(id);
    }
  });

  it('cluster_healthz: 200 when all healthy, 503 with the same body shape when not', async () => {
    const s = await sim({ scenario: 'compiler-outage' });
    s.clock.advance(2 * MIN);
    const ok = await s.get('/v0/cluster_healthz');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual(s.model.health());
    expect(ok.headers['cache-control']).toBeUndefined();
    s.clock.advance(8 * MIN);
    const bad = await s.get('/v0/cluster_healthz');
    expect(bad.status).toBe(503);
    expect(bad.headers['content-type']).toBe('application/json');
    const body = bad.json as { all_healthy: boolean; compiler: { healthy: boolean; message: string } };
    expect(body.all_healthy).toBe(false);
    expect(body.compiler.healthy).toBe(false);
    expect(Object.keys(body)).toEqual(['all_healthy', 'api', 'compiler', 'runner']);
    expect(Object.keys(body.compiler)).toEqual(['healthy', 'message', 'unchanged_since', 'checked_at']);
  });

  it('config, session, authentication and healthz', async () => {
    const s = await sim({ edition: 'enterprise' });
    const config = (await s.get('/v0/config')).json as Record<string, unknown>;
    expect(config.edition).toBe('Enterprise');
    expect(config.version).toBe('0.337.0');
    expect(config.revision).toMatch(/^[0-9a-f]{40}$/);
    // chrono AutoSi: a whole second has no fraction digits
    expect((config.license_validity as { Exists: { current: string } }).Exists.current).toBe(
      new Date(T0).toISOString().replace('.000Z', 'Z'),
    );
    expect((await s.get('/v0/config/session')).json).toEqual({
      tenant_id: '00000000-0000-0000-0000-000000000000',
      tenant_name: 'default',
      role: null,
      memberships: [],
    });
    expect((await s.get('/config/authentication')).json).toEqual({});
    const hz = await s.get('/healthz');
    expect(hz.status).toBe(200);
    expect(hz.json).toEqual({ status: 'healthy' });
    const community = await sim();
    expect(((await community.get('/v0/config')).json as { edition: string }).edition).toBe('Open source');
  });
});

describe('errors, exactly as Feldera answers them', () => {
  it('before the first event: latest and cluster_healthz answer 404 NoClusterMonitorEventsAvailable', async () => {
    const s = await sim();
    for (const path of ['/v0/cluster/events/latest', '/v0/cluster/events/latest?selector=all', '/v0/cluster_healthz']) {
      const r = await s.get(path);
      expect(r.status).toBe(404);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['cache-control']).toBeUndefined();
      expect(r.text).toBe(
        '{"message":"There are not yet any cluster monitor events recorded","error_code":"NoClusterMonitorEventsAvailable","details":{}}',
      );
    }
    expect((await s.get('/v0/cluster/events')).json).toEqual([]);
  });

  it('an unknown or deleted event: 404 UnknownClusterMonitorEvent with the canonical id', async () => {
    const s = await sim();
    s.clock.advance(MIN);
    const id = '019afe45-ec1f-7abc-8def-0123456789ab';
    const r = await s.get(`/v0/cluster/events/${id.toUpperCase()}?selector=all`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      message: `Cluster monitor event with identifier '${id}' does not exist -- it might have been deleted as monitor events are only retained for 72h and at most 1000`,
      error_code: 'UnknownClusterMonitorEvent',
      details: { event_id: id },
    });
  });

  it('an id deleted by retention answers 404 although it was served before', async () => {
    const s = await sim({ scenario: 'retention', history: 30 * HOUR });
    const oldest = s.model.events().at(-1)!;
    expect((await s.get(`/v0/cluster/events/${oldest.id}`)).status).toBe(200);
    s.clock.advance(10 * MIN);
    expect((await s.get(`/v0/cluster/events/${oldest.id}`)).status).toBe(404);
    expect(s.model.log.find((l) => l.event.id === oldest.id)?.deletedBecause).toBe('count');
  });

  it('a malformed id: 400 InvalidUuidParam with value and error', async () => {
    const s = await sim();
    s.clock.advance(MIN);
    const cases: [string, string, string][] = [
      [
        'xyz',
        'xyz',
        'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1',
      ],
      [
        'LATEST',
        'LATEST',
        'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `L` at 1',
      ],
      ['1234', '1234', 'invalid length: expected length 32 for simple format, found 4'],
      ['019afe45-ec1f-7abc-8def', '019afe45-ec1f-7abc-8def', 'invalid group count: expected 5, found 4'],
      [
        'caf%C3%A9',
        'café',
        'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 4',
      ],
    ];
    for (const [segment, value, error] of cases) {
      const r = await s.get(`/v0/cluster/events/${segment}`);
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json).toEqual({
        message: `Invalid UUID string '${value}': ${error}`,
        error_code: 'InvalidUuidParam',
        details: { value, error },
      });
    }
  });

  it('an unknown selector: 400 plain text from the framework, checked before the id', async () => {
    const s = await sim();
    s.clock.advance(MIN);
    const cases: [string, string][] = [
      ['latest?selector=foo', 'Query deserialize error: unknown variant `foo`, expected `all` or `status`'],
      ['latest?selector=ALL', 'Query deserialize error: unknown variant `ALL`, expected `all` or `status`'],
      ['latest?selector=', 'Query deserialize error: unknown variant ``, expected `all` or `status`'],
      ['latest?selector=all+', 'Query deserialize error: unknown variant `all `, expected `all` or `status`'],
      ['latest?selector=all&selector=status', 'Query deserialize error: duplicate field `selector`'],
      ['not-a-uuid?selector=nope', 'Query deserialize error: unknown variant `nope`, expected `all` or `status`'],
    ];
    for (const [path, text] of cases) {
      const r = await s.get(`/v0/cluster/events/${path}`);
      expect(r.status, path).toBe(400);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.text).toBe(text);
    }
    expect((await s.get('/v0/cluster/events/latest?selector=%61ll')).status).toBe(200);
    expect((await s.get('/v0/cluster/events/latest?other=1&&selector=all')).status).toBe(200);
  });

  it('unknown routes and other methods: a bodyless 404 like actix-web', async () => {
    const s = await sim();
    s.clock.advance(MIN);
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/v0/cluster/events/'],
      ['GET', '/v0/cluster_healthz/'],
      ['GET', '/v1/cluster_healthz'],
      ['POST', '/v0/cluster/events'],
      ['DELETE', '/v0/cluster/events/latest'],
      ['PUT', '/healthz'],
    ] as const) {
      const r = await s.get(path, { method });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.text).toBe('');
      expect(r.headers['content-length']).toBe('0');
      expect(r.headers['content-type']).toBeUndefined();
    }
  });

  it('routes omitted for client tests answer like an older server', async () => {
    const a = await sim({ omitRoutes: ['cluster_healthz'] });
    a.clock.advance(MIN);
    expect(await a.get('/v0/cluster_healthz')).toMatchObject({ status: 404, text: '' });
    expect((await a.get('/v0/cluster/events/latest')).status).toBe(200);
    const b = await sim({ omitRoutes: ['cluster_events'] });
    b.clock.advance(MIN);
    expect(await b.get('/v0/cluster/events')).toMatchObject({ status: 404, text: '' });
    expect(await b.get('/v0/cluster/events/latest')).toMatchObject({ status: 404, text: '' });
    expect((await b.get('/v0/cluster_healthz')).status).toBe(200);
  });

  it('a role below read: 403', async () => {
    const s = await sim({ role: 'none' });
    s.clock.advance(MIN);
    const r = await s.get('/v0/cluster/events/latest');
    expect(r.status).toBe(403);
    expect((r.json as { error_code: string }).error_code).toBe('InsufficientPermissions');
    expect((await s.get('/healthz')).status).toBe(200);
  });
});

describe('authentication', () => {
  it('no credentials: bodyless 401 with WWW-Authenticate: Bearer', async () => {
    const s = await sim({ apiKey: API_KEY });
    s.clock.advance(MIN);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Basic ${API_KEY}` },
      { authorization: 'Bearer' },
      { authorization: `bearer ${API_KEY}` },
    ]) {
      for (const path of ['/v0/cluster/events/latest', '/v0/cluster_healthz', '/v0/config', '/v0/nope']) {
        const r = await s.get(path, { headers });
        expect(r.status).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer');
        expect(r.text).toBe('');
        expect(r.headers['content-length']).toBe('0');
      }
    }
  });

  it("a wrong key: 401 AuthenticationFailed without details, as text/plain (actix's internal error)", async () => {
    const s = await sim({ apiKey: API_KEY });
    s.clock.advance(MIN);
    const r = await s.get('/v0/cluster/events/latest', { headers: { authorization: 'Bearer apikey:wrong' } });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect(r.text).toBe('{"message":"Unauthorized API key","error_code":"AuthenticationFailed"}');
  });

  it('a token that is not an API key: 401, no body, why in WWW-Authenticate', async () => {
    const s = await sim({ apiKey: API_KEY });
    s.clock.advance(MIN);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string][] = [
      ['opaque-token', 'Malformed JWT: missing iss claim'],
      [`${b64({ alg: 'RS256' })}.${b64({ sub: 'me' })}.sig`, 'Malformed JWT: missing iss claim'],
      [
        `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: `${s.url}/simulated-oidc` })}.sig`,
        'Authentication failed - unable to fetch JWT keys',
      ],
      [`${b64({ alg: 'HS256' })}.${b64({ iss: 'https://other.example' })}.sig`, 'Unsupported JWT algorithm HS256'],
      [`${b64({ alg: 'RS256' })}.${b64({ iss: 'https://other.example' })}.sig`, 'JWT header missing kid'],
      [
        `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: 'https://other.example' })}.sig`,
        'No OIDC trust relationship matches this token',
      ],
      [`!!.${b64({ iss: 'https://other.example' })}.sig`, 'Malformed JWT header'],
    ];
    for (const [token, why] of cases) {
      const r = await s.get('/v0/cluster/events/latest', { headers: { authorization: `Bearer ${token}` } });
      expect([r.status, r.text, r.headers['content-length']]).toEqual([401, '', '0']);
      expect(r.headers['www-authenticate'], token).toBe(`Bearer error_description="${why}"`);
    }
  });

  it('the right key opens /v0; authentication config and healthz need none', async () => {
    const s = await sim({ apiKey: API_KEY });
    s.clock.advance(MIN);
    const authorization = `Bearer ${API_KEY}`;
    expect((await s.get('/v0/cluster/events/latest', { headers: { authorization } })).status).toBe(200);
    expect((await s.get('/v0/nope', { headers: { authorization } })).status).toBe(404);
    expect(((await s.get('/v0/config/session', { headers: { authorization } })).json as { role: string }).role).toBe(
      'admin',
    );
    const auth = await s.get('/config/authentication');
    expect(auth.status).toBe(200);
    expect(auth.json).toEqual({
      GenericOidc: { issuer: `${s.url}/simulated-oidc`, client_id: 'feldera-cluster-simulator', extra_oidc_scopes: [] },
    });
    expect((await s.get('/healthz')).status).toBe(200);
  });
});

describe('time', () => {
  it('the Date header follows the simulated clock', async () => {
    const s = await sim({ start: T0 });
    const d0 = (await s.get('/healthz')).headers.date;
    expect(d0).toBe('Mon, 08 Dec 2025 14:00:00 GMT');
    s.clock.advance(3 * HOUR + 25 * SEC + 999);
    expect((await s.get('/v0/cluster/events')).headers.date).toBe('Mon, 08 Dec 2025 17:00:25 GMT');
    expect((await s.get('/nope')).headers.date).toBe('Mon, 08 Dec 2025 17:00:25 GMT');
  });

  it('stalled: the Date header advances while the latest event only ages', async () => {
    const s = await sim({ scenario: 'stalled' });
    s.clock.advance(2 * MIN);
    const first = (await s.get('/v0/cluster/events/latest')).json as { recorded_at: string; all_healthy: boolean };
    s.clock.advance(20 * HOUR);
    const r = await s.get('/v0/cluster/events/latest');
    expect(r.json).toEqual(first);
    expect(first.all_healthy).toBe(true);
    const age = Date.parse(r.headers.date!) - Date.parse(first.recorded_at);
    expect(age).toBeGreaterThan(20 * HOUR);
    expect((await s.get('/v0/cluster_healthz')).status).toBe(200);
  });

  it('history pre-fills the past before the server opens', async () => {
    const s = await sim({ history: 2 * HOUR });
    const list = (await s.get('/v0/cluster/events')).json as { recorded_at: string }[];
    expect(list.length).toBe(13); // rounds 0, 1, 61, 121 … 661: 10 s apart, then every ~10 minutes
    expect(Date.parse(list.at(-1)!.recorded_at)).toBeLessThan(T0 - 2 * HOUR + SEC);
    expect(Date.parse(list[0]!.recorded_at)).toBeLessThanOrEqual(T0);
  });

  it('speed: simulated time runs speed times faster than real time', () => {
    let real = 1000;
    const clock = scaledClock({ start: T0, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(T0);
    real += 1500;
    expect(clock.now()).toBe(T0 + 90 * SEC);
  });

  it('speed: a started simulator uses it', async () => {
    // Real time read around each end, so the bounds hold however slowly the machine runs.
    const before = performance.now();
    const s = await startSimulator({ seed: 1, start: T0, speed: 3600 });
    try {
      const started = performance.now();
      while (performance.now() - started < 5) {
        /* spin 5 ms of real time: no timers */
      }
      const simElapsed = s.clock.now() - T0;
      const after = performance.now();
      // at least the 5 ms spun since it started, at most all the real time around it, times 3600
      expect(simElapsed).toBeGreaterThanOrEqual(5 * 3600);
      expect(simElapsed).toBeLessThanOrEqual((after - before) * 3600);
    } finally {
      await s.close();
    }
  });
});

describe('connections', () => {
  it('keeps one connection alive across requests, like a watcher', async () => {
    const s = await sim();
    let connections = 0;
    s.server.on('connection', () => connections++);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      s.clock.advance(10 * SEC);
      answers.push(await s.get('/v0/cluster/events/latest?selector=status'));
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(1).every((a) => a.reusedSocket)).toBe(true);
    expect(connections).toBe(1);
  });

  it('logs requests only when verbose, never the credentials', async () => {
    const lines: string[] = [];
    const s = await sim({ verbose: true, log: (l) => lines.push(l), apiKey: API_KEY });
    await s.get('/v0/cluster/events/latest?selector=all', { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(lines).toEqual(['2025-12-08T14:00:00.000Z GET /v0/cluster/events/latest?selector=all -> 404 (127 B)']);
    const quietLines: string[] = [];
    const q = await sim({ log: (l) => quietLines.push(l) });
    await q.get('/healthz');
    expect(quietLines).toEqual([]);
  });

  it('close() ends open connections rather than waiting for them: idle keep-alive, and a request half sent', async () => {
    const s = await startSimulator({ seed: 1, clock: manualClock(T0) });
    // Neither would end by itself while the test runs: no keep-alive timeout, and the request's
    // headers never finish.
    s.server.keepAliveTimeout = 0;
    const c = httpClient(s.url);
    await c.get('/healthz');
    const { port } = new URL(s.url);
    const accepted = new Promise((r) => s.server.once('connection', r));
    const half = connect(Number(port), '127.0.0.1');
    const halfClosed = new Promise((r) => half.on('close', r));
    half.on('error', () => undefined);
    await accepted;
    half.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await s.close();
    await halfClosed;
    await expect(c.get('/healthz')).rejects.toThrow();
    c.close();
  });
});
