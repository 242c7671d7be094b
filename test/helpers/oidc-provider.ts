/**
 * A real OpenID Provider for the tests: `oidc-provider` on 127.0.0.1 (port 0), with its development
 * login and consent pages, one public native client (`feldera`: loopback redirects on any port,
 * PKCE, the device grant, refresh tokens), RS256 JWT access tokens for the audience `feldera-api`
 * (Feldera's default `auth_audience`), rotating refresh tokens, revocation. Any login name and
 * password is accepted; the subject is the login name.
 *
 * What the tests steer: the access token lifetimes (`ttl.code` for tokens from a login, `ttl.refresh`
 * for tokens from a refresh), and `tamper`, which rewrites the claims of the ID tokens the token
 * endpoint issues (re-signed with the provider's own key), as a misbehaving provider would.
 * `stats` counts refresh grants and revoked grants, lists grant errors and the scopes asked for.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'feldera';
export const AUDIENCE = 'feldera-api';
const RESOURCE = 'urn:feldera:api';
const KID = 'test-key-1';

export interface TestProvider {
  issuer: string;
  /** Access token lifetimes in seconds: from a login (code or device grant), from a refresh. */
  ttl: { code: number; refresh: number };
  /** Rewrites the claims of every ID token the token endpoint issues, while set. */
  tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined;
  stats: { refreshes: number; grantErrors: string[]; grantsRevoked: number; scopes: string[] };
  close(): Promise<void>;
}

export interface ProviderOptions {
  deviceFlow?: boolean;
  revocation?: boolean;
}

/** RS256 over `header.payload` with the provider's key, as it signs its own tokens. */
function sign(privateKey: import('node:crypto').KeyObject, header: string, payload: string): string {
  const s = createSign('RSA-SHA256');
  s.update(`${header}.${payload}`);
  return `${header}.${payload}.${s.sign(privateKey).toString('base64url')}`;
}

/**
 * oidc-provider's development-mode notices (in-memory adapter, development login pages, "use Node
 * 22": it runs on Node 20 all the same) are what these tests mean to use: kept out of the test log.
 */
function quietNotices(): void {
  for (const method of ['info', 'warn'] as const) {
    const original = console[method];
    if ((original as { quiet?: boolean }).quiet) continue;
    const quiet = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /oidc-provider (NOTICE|WARNING)/.test(args[0])) return;
      original.apply(console, args);
    };
    console[method] = Object.assign(quiet, { quiet: true });
  }
}

export async function startProvider(o: ProviderOptions = {}): Promise<TestProvider> {
  quietNotices();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' };
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state: TestProvider = {
    issuer,
    ttl: { code: 3600, refresh: 3600 },
    tamper: undefined,
    stats: { refreshes: 0, grantErrors: [], grantsRevoked: 0, scopes: [] },
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };

  const accessTtl = (ctx: { oidc?: { params?: Record<string, unknown> } }) =>
    ctx.oidc?.params?.grant_type === 'refresh_token' ? state.ttl.refresh : state.ttl.code;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        response_types: ['code'],
        grant_types: [
          'authorization_code',
          'refresh_token',
          ...(o.deviceFlow === false ? [] : ['urn:ietf:params:oauth:grant-type:device_code']),
        ],
      },
    ],
    jwks: { keys: [jwk as never] },
    scopes: ['openid', 'offline_access', 'email', 'groups'],
    claims: { email: ['email', 'email_verified'], groups: ['groups'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, groups: ['ops'] }),
    }),
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: o.deviceFlow !== false },
      revocation: { enabled: o.revocation !== false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx) => ({
          scope: 'openid',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accessTtl(ctx as never),
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { IdToken: 3600, RefreshToken: 86_400, Grant: 86_400, Session: 86_400, Interaction: 600, DeviceCode: 600 },
    rotateRefreshToken: true,
  });
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') state.stats.refreshes++;
  });
  provider.on('grant.error', (_ctx, err) => {
    const error = (err as { error?: string }).error ?? err.message;
    if (error !== 'authorization_pending' && error !== 'slow_down') state.stats.grantErrors.push(error);
  });
  // A revoked refresh token, or a reused one (which revokes its grant).
  provider.on('grant.revoked', () => state.stats.grantsRevoked++);
  provider.on('authorization.accepted', (ctx) => state.stats.scopes.push(String(ctx.oidc.params?.scope)));
  provider.on('device_authorization.success', (ctx) => state.stats.scopes.push(String(ctx.oidc.params?.scope)));

  provider.use(async (ctx, next) => {
    await next();
    // Polling every 50 ms (RFC 8628's default is 5 s; openid-client takes fractions of a second),
    // to keep the tests short: the approval comes when it comes, so this changes no outcome.
    if (ctx.path === '/device/auth' && (ctx.body as { device_code?: unknown })?.device_code)
      ctx.body = { ...(ctx.body as object), interval: 0.05 };
    // A misbehaving provider: the ID token of a token response, claims rewritten and signed again.
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (ctx.path !== '/token' || !state.tamper || typeof body?.id_token !== 'string') return;
    const [header, payload] = body.id_token.split('.') as [string, string];
    const claims = state.tamper(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    ctx.body = {
      ...body,
      id_token: sign(privateKey, header, Buffer.from(JSON.stringify(claims)).toString('base64url')),
    };
  });
  server.on('request', provider.callback());
  return state;
}

/** A cookie-keeping form walker over the provider's pages (for the device flow's approval). */
function walker() {
  const jar = new Map<string, string>();
  async function go(url: string, init: RequestInit = {}): Promise<{ url: string; text: string; status: number }> {
    let at = url;
    let req = init;
    for (let i = 0; i < 10; i++) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(at, { ...req, headers: { ...(req.headers as object), cookie }, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(';')[0]!;
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      if (res.status >= 300 && res.status < 400) {
        at = new URL(res.headers.get('location')!, at).href;
        req = {};
        continue;
      }
      return { url: at, text: await res.text(), status: res.status };
    }
    throw new Error(`too many redirects from ${url}`);
  }
  /** Submit the page's first form, its hidden fields and these. */
  async function submit(page: { url: string; text: string }, fields: Record<string, string> = {}) {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.text);
    if (!form) throw new Error(`no form on ${page.url}: ${page.text.slice(0, 500)}`);
    const body = new URLSearchParams();
    for (const m of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g))
      body.set(m[1]!, m[2]!);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    const action = new URL(form[1]!.replace(/&amp;/g, '&'), page.url).href;
    return go(action, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  return { go, submit };
}

/**
 * Approve a device login as the person would at the verification page: open the URL that carries
 * the user code, confirm it, sign in as `login`, consent. Returns the last page's text.
 */
export async function approveDevice(verificationUriComplete: string, login = 'alice'): Promise<string> {
  const w = walker();
  let page = await w.go(verificationUriComplete); // posts itself (a script): submitted here
  page = await w.submit(page);
  if (!/Confirm Device/.test(page.text)) throw new Error(`not the confirmation page: ${page.text.slice(0, 300)}`);
  page = await w.submit(page); // confirm the code
  page = await w.submit(page, { login, password: 'any' }); // sign in
  page = await w.submit(page); // consent
  return page.text;
}
