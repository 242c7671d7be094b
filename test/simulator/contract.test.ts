/**
 * Contract: every answer of every endpoint, for every scenario, edition and selector, validates
 * against the schemas copied from Feldera's OpenAPI document (test/fixtures, v0.337.0) — and,
 * where the spec says nothing, matches the facts read from Feldera's source that
 * test/fixtures/README.md lists (error bodies and headers, timestamp format).
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_NAMES, manualClock, startSimulator } from '../../src/simulator/index.js';
import { felderaSchemas, HOUR, type HttpAnswer, httpClient, MIN, SEC, T0 } from './helpers.js';

const schemas = felderaSchemas();
const STATUS_KEYS = ['all_healthy', 'api_status', 'compiler_status', 'id', 'recorded_at', 'runner_status'];
const ALL_KEYS = [
  ...STATUS_KEYS,
  'api_resources_info',
  'api_self_info',
  'compiler_resources_info',
  'compiler_self_info',
  'runner_resources_info',
  'runner_self_info',
].sort();
const fixtureScenario = new URL('../fixtures/scenarios/db-trouble.json', import.meta.url).pathname;
/** Simulated moments (after the server opened) at which every endpoint is asked. */
const MOMENTS = [0, 30 * SEC, 3 * MIN, 9 * MIN, 12 * MIN, 30 * MIN, 2 * HOUR];
const API_KEY = 'apikey:contract';
/** chrono's AutoSi: none, 3 or 6 fraction digits, the shortest that is exact. */
const AUTO_SI = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/;

function expectAutoSi(t: string, what: string): void {
  expect(t, what).toMatch(AUTO_SI);
  expect(t, what).not.toMatch(/\.\d{3}000Z$/);
}

function expectValid(schema: string, r: HttpAnswer, what: string): void {
  expect(r.headers['content-type'], what).toBe('application/json');
  expect(schemas.check(schema, r.json), `${what}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe('');
}

function expectError(r: HttpAnswer, status: number, what: string): void {
  expect(r.status, what).toBe(status);
  expectValid('ErrorResponse', r, what);
}

describe('the validator itself', () => {
  it('rejects what the spec forbids and accepts what it allows (nullable infos, other UUID versions)', () => {
    const ok = {
      id: '67e55044-10b1-426f-9247-bb680e5fe0c8',
      recorded_at: '2025-12-08T14:03:06Z',
      all_healthy: true,
      api_status: 'Healthy',
      compiler_status: 'InitialUnhealthy',
      runner_status: 'Unhealthy',
      api_self_info: null,
    };
    expect(schemas.check('ClusterMonitorEventSelectedInfo', ok)).toBe('');
    expect(schemas.check('ClusterMonitorEventSelectedInfo', { ...ok, api_status: 'healthy' })).not.toBe('');
    expect(schemas.check('ClusterMonitorEventSelectedInfo', { ...ok, recorded_at: null })).not.toBe('');
    expect(schemas.check('ClusterMonitorEventSelectedInfo', { ...ok, id: 'not-a-uuid' })).not.toBe('');
    expect(schemas.check('ClusterMonitorEventSelectedInfo', { ...ok, runner_self_info: 5 })).not.toBe('');
    expect(schemas.check('HealthStatus', { all_healthy: true })).not.toBe('');
    expect(schemas.check('SessionInfo', { memberships: [], role: null, tenant_id: null, tenant_name: null })).toBe('');
    expect(schemas.check('SessionInfo', { memberships: [], role: 'boss' })).not.toBe('');
    // known gaps in the spec, accepted explicitly by the tests below
    expect(schemas.check('AuthProvider', {})).not.toBe('');
    expect(
      schemas.check('ErrorResponse', { message: 'Unauthorized API key', error_code: 'AuthenticationFailed' }),
    ).not.toBe('');
  });
});

/** The 401s of an instance with authentication on (facts not in the spec: test/fixtures/README.md). */
async function expectAuthRefusals(client: ReturnType<typeof httpClient>): Promise<void> {
  // A wrong API key: the JSON text inside actix's internal error, sent as text/plain; no details.
  const wrong = await client.get('/v0/cluster/events/latest', { headers: { authorization: 'Bearer apikey:nope' } });
  expect(wrong.status).toBe(401);
  expect(wrong.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(wrong.headers['www-authenticate']).toBeUndefined();
  expect(wrong.text).toBe('{"message":"Unauthorized API key","error_code":"AuthenticationFailed"}');
  // the spec requires `details`: with one added, the rest fits ErrorResponse
  expect(schemas.check('ErrorResponse', { ...JSON.parse(wrong.text), details: null })).toBe('');
  // A bearer token that is neither an API key nor a JWT with an issuer: no body, the reason in the challenge.
  for (const token of ['not-a-key', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']) {
    const jwt = await client.get('/v0/cluster/events/latest', { headers: { authorization: `Bearer ${token}` } });
    expect(jwt.status).toBe(401);
    expect(jwt.text).toBe('');
    expect(jwt.headers['content-type']).toBeUndefined();
    expect(jwt.headers['www-authenticate']).toBe('Bearer error_description="Malformed JWT: missing iss claim"');
  }
  // No credential at all: the bare challenge.
  const none = await client.get('/v0/cluster_healthz');
  expect([none.status, none.text, none.headers['www-authenticate']]).toEqual([401, '', 'Bearer']);
}

describe('403 on the cluster routes', () => {
  it('only "No authenticated principal" (read is the lowest role), without details', async () => {
    const sim = await startSimulator({ clock: manualClock(T0), history: HOUR, role: 'none', seed: 2 });
    const client = httpClient(sim.url);
    try {
      for (const path of ['/v0/cluster/events', '/v0/cluster/events/latest', '/v0/cluster_healthz']) {
        const r = await client.get(path);
        expect(r.status, path).toBe(403);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.json).toEqual({ message: 'No authenticated principal', error_code: 'InsufficientPermissions' });
      }
    } finally {
      client.close();
      await sim.close();
    }
  });
});

const configs = [
  ...BUILTIN_SCENARIO_NAMES.map((scenario) => ({
    scenario,
    edition: 'community' as const,
    apiKey: undefined as string | undefined,
  })),
  ...BUILTIN_SCENARIO_NAMES.map((scenario) => ({
    scenario,
    edition: 'enterprise' as const,
    apiKey: API_KEY as string | undefined,
  })),
  { scenario: fixtureScenario, edition: 'community' as const, apiKey: undefined as string | undefined },
];

type Get = (path: string) => Promise<HttpAnswer>;

/** The list at one moment: valid, status fields only, AutoSi timestamps. */
async function checkList(get: Get, at: string, moment: number): Promise<{ id: string; recorded_at: string }[]> {
  const list = await get('/v0/cluster/events');
  expect(list.status).toBe(200);
  expect(list.headers['cache-control']).toBe('no-cache');
  expect(list.headers.date).toBe(new Date(T0 + moment).toUTCString());
  expect(Array.isArray(list.json)).toBe(true);
  expect(schemas.checkList('ClusterMonitorEventSelectedInfo', list.json), at).toBe('');
  const events = list.json as { id: string; recorded_at: string }[];
  for (const e of events) expect(Object.keys(e).sort()).toEqual(STATUS_KEYS);
  for (const e of events) expectAutoSi(e.recorded_at, `${at} recorded_at`);
  return events;
}

/** `latest` and the first and last 20 listed events, with every selector; returns how many answers were events. */
async function checkEvents(
  get: Get,
  at: string,
  events: { id: string }[],
): Promise<{ answers: number; events: number }> {
  const ids =
    events.length <= 40 ? events.map((e) => e.id) : [...events.slice(0, 20), ...events.slice(-20)].map((e) => e.id);
  let answers = 0;
  let seen = 0;
  for (const id of ['latest', ...ids]) {
    for (const selector of [undefined, 'status', 'all']) {
      const path = `/v0/cluster/events/${id}${selector ? `?selector=${selector}` : ''}`;
      const r = await get(path);
      answers++;
      if (id === 'latest' && events.length === 0) {
        expectError(r, 404, `${at} ${path}`);
        // details is {} (ManagerError flattens the unit variant), not null
        expect(r.json).toEqual({
          message: 'There are not yet any cluster monitor events recorded',
          error_code: 'NoClusterMonitorEventsAvailable',
          details: {},
        });
        continue;
      }
      expect(r.status, `${at} ${path}`).toBe(200);
      expect(r.headers['cache-control']).toBe('no-cache');
      expectValid('ClusterMonitorEventSelectedInfo', r, `${at} ${path}`);
      expect(Object.keys(r.json as object).sort()).toEqual(selector === 'all' ? ALL_KEYS : STATUS_KEYS);
      seen++;
    }
  }
  return { answers, events: seen };
}

async function checkHealth(get: Get, at: string, empty: boolean): Promise<void> {
  const health = await get('/v0/cluster_healthz');
  if (empty) {
    expectError(health, 404, `${at} healthz`);
    expect((health.json as { details: unknown }).details).toEqual({});
    return;
  }
  const body = health.json as { all_healthy: boolean } & Record<
    'api' | 'compiler' | 'runner',
    { unchanged_since: string; checked_at: string }
  >;
  expect(health.status).toBe(body.all_healthy ? 200 : 503);
  expectValid('HealthStatus', health, `${at} healthz`);
  for (const svc of ['api', 'compiler', 'runner'] as const) {
    expectAutoSi(body[svc].unchanged_since, `${at} ${svc}.unchanged_since`);
    expectAutoSi(body[svc].checked_at, `${at} ${svc}.checked_at`);
  }
}

/** /v0/config, the session, the authentication provider and /healthz: four answers. */
async function checkConfig(
  client: ReturnType<typeof httpClient>,
  get: Get,
  at: string,
  edition: 'community' | 'enterprise',
  apiKey: string | undefined,
): Promise<void> {
  const config = await get('/v0/config');
  expect(config.status).toBe(200);
  expectValid('Configuration', config, `${at} config`);
  expect((config.json as { edition: string }).edition).toBe(edition === 'enterprise' ? 'Enterprise' : 'Open source');
  const session = await get('/v0/config/session');
  expect(session.status).toBe(200);
  expectValid('SessionInfo', session, `${at} session`);
  const auth = await client.get('/config/authentication');
  expect(auth.status).toBe(200);
  if (apiKey) expectValid('AuthProvider', auth, `${at} auth`);
  else expect(auth.json).toEqual({}); // the spec's AuthProvider does not admit {}: a known gap
  const hz = await client.get('/healthz');
  expect(hz.json).toEqual({ status: 'healthy' });
}

describe.each(configs)('scenario $scenario, $edition edition', ({ scenario, edition, apiKey }) => {
  it('answers every endpoint as the OpenAPI document says', async () => {
    const clock = manualClock(T0);
    const sim = await startSimulator({ scenario, edition, clock, seed: 11, ...(apiKey && { apiKey }) });
    const client = httpClient(sim.url);
    const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    const get = (path: string) => client.get(path, { headers });
    let answers = 0;
    let eventAnswers = 0;
    try {
      let elapsed = 0;
      for (const moment of MOMENTS) {
        clock.advance(moment - elapsed);
        elapsed = moment;
        const at = `${scenario} +${moment / 1000}s`;
        const events = await checkList(get, at, moment);
        const seen = await checkEvents(get, at, events);
        await checkHealth(get, at, events.length === 0);
        await checkConfig(client, get, at, edition, apiKey);
        answers += 1 + seen.answers + 1 + 4;
        eventAnswers += seen.events;
      }

      // error answers are Feldera ErrorResponses too
      expectError(await get('/v0/cluster/events/not-a-uuid'), 400, 'invalid uuid');
      expectError(await get('/v0/cluster/events/019afe45-ec1f-7abc-8def-0123456789ab?selector=all'), 404, 'unknown id');
      if (apiKey) await expectAuthRefusals(client);
      expect(eventAnswers).toBeGreaterThan(0);
      expect(answers).toBeGreaterThan(MOMENTS.length * 6);
    } finally {
      client.close();
      await sim.close();
    }
  });
});
