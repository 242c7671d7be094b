import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/simulator/auth.js';
import { revisions } from '../../src/simulator/config-body.js';
import { createModel } from '../../src/simulator/model.js';
import { parseSelectorQuery, percentDecode, splitTarget } from '../../src/simulator/query.js';
import { type RouteContext, route } from '../../src/simulator/routes.js';
import { builtinScenario } from '../../src/simulator/scenario.js';
import { T0 } from './helpers.js';

describe('query decoding', () => {
  it('percent-decodes like the framework: bad escapes stay, bad UTF-8 becomes U+FFFD, + only in queries', () => {
    expect(percentDecode('a%41%zz%4', false)).toBe('aA%zz%4');
    expect(percentDecode('%FF', false)).toBe('\ufffd');
    expect(percentDecode('a+b', false)).toBe('a+b');
    expect(percentDecode('a+b', true)).toBe('a b');
  });

  it('reads the selector, defaulting to status', () => {
    expect(parseSelectorQuery('')).toEqual({ selector: 'status' });
    expect(parseSelectorQuery('x=1&sel%65ctor=%61ll')).toEqual({ selector: 'all' });
    expect(parseSelectorQuery('selector')).toEqual({
      error: 'Query deserialize error: unknown variant ``, expected `all` or `status`',
    });
    expect(parseSelectorQuery('selector=all&selector=all')).toEqual({
      error: 'Query deserialize error: duplicate field `selector`',
    });
  });

  it('splits the target at the first ?', () => {
    expect(splitTarget('/v0/x?a=1?b')).toEqual({ path: '/v0/x', query: 'a=1?b' });
    expect(splitTarget('/v0/x')).toEqual({ path: '/v0/x', query: '' });
  });
});

describe('authenticate', () => {
  it('passes anything when no key is set', () => {
    expect(authenticate(undefined, undefined)).toBeUndefined();
  });

  it('challenges a missing or malformed credential, refuses a wrong key, passes the right one', () => {
    const challenge = { status: 401, headers: { 'www-authenticate': 'Bearer' } };
    for (const header of [undefined, 'Bearer', 'bearer secret-key', 'Basic abcdefgh', 'Bearerxx']) {
      expect(authenticate(header, 'secret-key')).toEqual(challenge);
    }
    // an API key that is not the one: the JSON text Feldera sends as text/plain
    expect(authenticate('Bearer apikey:other', 'secret-key')).toEqual({
      status: 401,
      text: '{"message":"Unauthorized API key","error_code":"AuthenticationFailed"}',
    });
    // any other token is taken for a JWT, and this one has no issuer
    expect(authenticate('Bearer other-key', 'secret-key')).toEqual({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error_description="Malformed JWT: missing iss claim"' },
    });
    expect(authenticate('Bearer secret-key', 'secret-key')).toBeUndefined();
  });
});

describe('route', () => {
  const model = createModel({ scenario: builtinScenario('healthy')!, edition: 'community', seed: 1, monitorStart: T0 });
  model.catchUp(T0 + 60_000);
  const ctx = (over: Partial<RouteContext> = {}): RouteContext => ({
    model,
    edition: 'community',
    apiKey: undefined,
    role: undefined,
    baseUrl: undefined,
    omitted: new Set(),
    revisions: revisions(0),
    ...over,
  });
  const get = (c: RouteContext, path: string, query = '') =>
    route(c, { method: 'GET', path, query, authorization: undefined }, T0);

  it('an omitted or unknown route is a 404 before the role is checked', () => {
    const none = ctx({ role: 'none', omitted: new Set(['cluster_healthz']) });
    expect(get(none, '/v0/cluster_healthz').status).toBe(404);
    expect(get(none, '/v0/nope').status).toBe(404);
    expect(get(none, '/v0/cluster/events').status).toBe(403);
    expect(get(none, '/healthz').status).toBe(200);
  });

  it('checks the query before the id', () => {
    expect(get(ctx(), '/v0/cluster/events/not-a-uuid', 'selector=x')).toMatchObject({
      status: 400,
      text: expect.stringContaining('unknown variant `x`'),
    });
    expect(get(ctx(), '/v0/cluster/events/not-a-uuid')).toMatchObject({
      status: 400,
      json: { error_code: 'InvalidUuidParam' },
    });
  });

  it('authentication comes before the method guard under /v0 only', () => {
    const keyed = ctx({ apiKey: 'secret-key' });
    expect(route(keyed, { method: 'POST', path: '/v0/config', query: '', authorization: undefined }, T0).status).toBe(
      401,
    );
    expect(route(keyed, { method: 'POST', path: '/healthz', query: '', authorization: undefined }, T0).status).toBe(
      404,
    );
  });
});
