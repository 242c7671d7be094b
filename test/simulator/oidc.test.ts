/**
 * `simulate --oidc-issuer`: bearer JWTs checked as Feldera's GenericOidc checks them (auth.rs with
 * jsonwebtoken's RS256 validation), with the same bodyless 401 and error_description; the provider's
 * documents are served by the test (fetchJson), its tokens signed here with its key.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtChecker, type JwtChecker } from '../../src/simulator/jwt.js';
import { getJson, sim } from '../helpers/sim.js';

const ISSUER = 'https://idp.example.com';
const AUD = 'feldera-api';
const NOW_S = 1_800_000_000;

function keyPair(kid: string): { key: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { key: privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}
const k1 = keyPair('k1');
const k2 = keyPair('k2');

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(claims: Record<string, unknown>, o: { key?: KeyObject; header?: Record<string, unknown> } = {}): string {
  const head = b64(o.header ?? { alg: 'RS256', kid: 'k1', typ: 'at+jwt' });
  const body = b64(claims);
  const s = createSign('RSA-SHA256');
  s.update(`${head}.${body}`);
  return `${head}.${body}.${s.sign(o.key ?? k1.key).toString('base64url')}`;
}
const good = { iss: ISSUER, aud: AUD, sub: 'alice', iat: NOW_S, exp: NOW_S + 300 };

/** The provider's documents; `keys` is what its JWKS holds now, `fetches` counts JWKS reads. */
function idp(keys: Record<string, unknown>[] = [k1.jwk]) {
  const state = { keys, fetches: 0, down: false };
  const fetchJson = async (url: string): Promise<unknown> => {
    if (url === `${ISSUER}/.well-known/openid-configuration`) return { issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` };
    if (url === `${ISSUER}/jwks`) {
      state.fetches++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      return { keys: state.keys };
    }
    throw new Error(`unexpected ${url}`);
  };
  return { state, fetchJson };
}

async function checker(p = idp(), leewayS?: number): Promise<JwtChecker> {
  return createJwtChecker({
    issuer: ISSUER,
    audience: AUD,
    now: () => NOW_S * 1000,
    fetchJson: p.fetchJson,
    ...(leewayS !== undefined && { leewayS }),
  });
}

describe("the check of a bearer JWT, in Feldera's words", () => {
  it('a good token passes; the keys are fetched once and cached', async () => {
    const p = idp();
    const c = await checker(p);
    expect(c.jwksUri).toBe(`${ISSUER}/jwks`);
    expect(await c.check(jwt(good))).toBeUndefined();
    expect(await c.check(jwt({ ...good, aud: ['other', AUD] }))).toBeUndefined();
    expect(p.state.fetches).toBe(1);
  });

  it('refusals: expiry (with the 60 s leeway), audience, signature, algorithm, kid, claims', async () => {
    const c = await checker();
    expect(await c.check(jwt({ ...good, exp: NOW_S - 61 }))).toBe('ExpiredSignature');
    expect(await c.check(jwt({ ...good, exp: NOW_S - 59 }))).toBeUndefined();
    expect(await c.check(jwt({ ...good, aud: 'feldera' }))).toBe('InvalidAudience');
    expect(await c.check(jwt(good, { key: k2.key }))).toBe('InvalidSignature');
    const tampered = jwt(good).split('.');
    tampered[1] = b64({ ...good, sub: 'mallory' });
    expect(await c.check(tampered.join('.'))).toBe('InvalidSignature');
    expect(await c.check(jwt(good, { header: { alg: 'HS256', kid: 'k1' } }))).toBe('InvalidAlgorithm');
    expect(await c.check(jwt(good, { header: { alg: 'RS256' } }))).toBe('InvalidToken');
    expect(await c.check('not-a-jwt')).toBe('InvalidToken');
    expect(await c.check(jwt({ ...good, exp: undefined }))).toBe('MissingRequiredClaim("exp")');
    expect(await c.check(jwt({ ...good, aud: undefined }))).toBe('MissingRequiredClaim("aud")');
    expect(await c.check(jwt({ ...good, sub: undefined }))).toMatch(
      /^JSON error: missing field `sub` at line 1 column \d+$/,
    );
  });

  it('a leeway of 0 refuses a token as soon as it has expired', async () => {
    const c = await checker(idp(), 0);
    expect(await c.check(jwt({ ...good, exp: NOW_S - 1 }))).toBe('ExpiredSignature');
    expect(await c.check(jwt({ ...good, exp: NOW_S }))).toBeUndefined();
  });

  it('an unknown kid fetches the keys again (a rotated key is found); still unknown: a key format error', async () => {
    const p = idp();
    const c = await checker(p);
    expect(await c.check(jwt(good))).toBeUndefined();
    p.state.keys = [k1.jwk, k2.jwk];
    expect(await c.check(jwt(good, { key: k2.key, header: { alg: 'RS256', kid: 'k2' } }))).toBeUndefined();
    expect(p.state.fetches).toBe(2);
    expect(await c.check(jwt(good, { header: { alg: 'RS256', kid: 'k9' } }))).toBe(
      'Authentication failed - JWT key format error',
    );
  });

  it('keys it cannot fetch: "unable to fetch JWT keys"; a key not marked RS256/sig is not used', async () => {
    const p = idp();
    const c = await checker(p);
    p.state.down = true;
    expect(await c.check(jwt(good))).toBe('Authentication failed - unable to fetch JWT keys');
    p.state.down = false;
    p.state.keys = [{ ...k1.jwk, use: 'enc' }];
    expect(await c.check(jwt(good))).toBe('Authentication failed - JWT key format error');
  });

  it('a provider whose discovery document cannot be read stops the start, as it stops Feldera', async () => {
    const e = await createJwtChecker({
      issuer: ISSUER,
      audience: AUD,
      fetchJson: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    }).catch((x: unknown) => x as Error);
    expect((e as Error).message).toBe(
      `cannot read the discovery document ${ISSUER}/.well-known/openid-configuration: connect ECONNREFUSED 127.0.0.1:1`,
    );
  });
});

describe('the simulator with --oidc-issuer', () => {
  let s: Awaited<ReturnType<typeof sim>>;
  beforeAll(async () => {
    s = await sim({
      apiKey: 'apikey:sim-key',
      oidc: {
        issuer: ISSUER,
        clientId: 'cluster-cli',
        extraScopes: ['groups'],
        now: () => NOW_S * 1000,
        fetchJson: idp().fetchJson,
      },
    });
  });
  afterAll(() => s?.close());

  async function get(path: string, token?: string) {
    const res = await fetch(`${s.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text() };
  }

  it('names the provider in /config/authentication', async () => {
    expect((await getJson(`${s.url}/config/authentication`)).body).toEqual({
      GenericOidc: { issuer: ISSUER, client_id: 'cluster-cli', extra_oidc_scopes: ['groups'] },
    });
  });

  it('a valid JWT reads the cluster routes, with an admin session; the API key still works', async () => {
    expect((await get('/v0/config', jwt(good))).status).toBe(200);
    expect(JSON.parse((await get('/v0/config/session', jwt(good))).body).role).toBe('admin');
    expect((await get('/v0/config', 'apikey:sim-key')).status).toBe(200);
  });

  it('refusals are bodyless 401s with the error_description; a wrong key is the JSON one', async () => {
    const expired = await get('/v0/cluster/events/latest', jwt({ ...good, exp: NOW_S - 3600 }));
    expect(expired).toEqual({ status: 401, challenge: 'Bearer error_description="ExpiredSignature"', body: '' });
    expect((await get('/v0/cluster_healthz', jwt({ ...good, aud: 'x' }))).challenge).toBe(
      'Bearer error_description="InvalidAudience"',
    );
    // A token of another issuer: Feldera's trust relationships, of which there are none.
    expect((await get('/v0/config', jwt({ ...good, iss: 'https://other.example.com' }))).challenge).toBe(
      'Bearer error_description="No OIDC trust relationship matches this token"',
    );
    expect((await get('/v0/config', 'opaque-token-without-claims')).challenge).toBe(
      'Bearer error_description="Malformed JWT: missing iss claim"',
    );
    expect((await get('/v0/config')).challenge).toBe('Bearer');
    const wrongKey = await get('/v0/config', 'apikey:wrong');
    expect(wrongKey.status).toBe(401);
    expect(JSON.parse(wrongKey.body).error_code).toBe('AuthenticationFailed');
  });
});
