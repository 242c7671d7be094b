import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialTransportProblem, describeCredential, isLoopback, maskSecret } from '../../src/api/auth.js';
import { DEFAULT_HOST, type GlobalFlags, normaliseHost, resolveConnection } from '../../src/config/connection.js';
import type { ConfigData } from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';

const KEY_P = `apikey:${'P'.repeat(40)}prof`;
const KEY_E = `apikey:${'E'.repeat(40)}envv`;

const config: ConfigData = {
  current: 'prod',
  profiles: {
    prod: {
      host: 'https://prod.example.com',
      auth: { kind: 'apikey', apiKey: KEY_P },
      tenant: 'acme',
      caCert: '/etc/prod-ca.pem',
    },
    dev: { host: 'http://127.0.0.1:9000', auth: { kind: 'none' }, insecure: true },
    default: { host: 'https://default.example.com', auth: { kind: 'token-command', command: 'get-token' } },
  },
};

describe('precedence: flags > env > profile > defaults', () => {
  // [case, flags, env, expected host, host source, expected credential kind, credential source]
  const table: [string, GlobalFlags, Record<string, string>, string, string, string, string][] = [
    ['current profile', {}, {}, 'https://prod.example.com', 'profile', 'apikey', 'profile'],
    [
      'CLUSTER_PROFILE beats current',
      {},
      { CLUSTER_PROFILE: 'dev' },
      'http://127.0.0.1:9000',
      'profile',
      'none',
      'default',
    ],
    [
      '--profile beats CLUSTER_PROFILE',
      { profile: 'default' },
      { CLUSTER_PROFILE: 'dev' },
      'https://default.example.com',
      'profile',
      'token-command',
      'profile',
    ],
    [
      'FELDERA_HOST beats the profile (credential withheld)',
      {},
      { FELDERA_HOST: 'https://other.example.com' },
      'https://other.example.com',
      'env',
      'none',
      'default',
    ],
    [
      'FELDERA_HOST equal to the profile keeps the credential',
      {},
      { FELDERA_HOST: 'prod.example.com:443'.replace(/^/, 'https://') },
      'https://prod.example.com',
      'env',
      'apikey',
      'profile',
    ],
    [
      '--host beats FELDERA_HOST',
      { host: 'https://flag.example.com' },
      { FELDERA_HOST: 'https://prod.example.com' },
      'https://flag.example.com',
      'flag',
      'none',
      'default',
    ],
    [
      '--host same as profile keeps the credential',
      { host: 'https://PROD.example.com/' },
      {},
      'https://prod.example.com',
      'flag',
      'apikey',
      'profile',
    ],
    [
      'FELDERA_API_KEY beats the profile key',
      {},
      { FELDERA_API_KEY: KEY_E },
      'https://prod.example.com',
      'profile',
      'apikey',
      'env',
    ],
    [
      'FELDERA_API_KEY goes with --host',
      { host: 'https://other.example.com' },
      { FELDERA_API_KEY: KEY_E },
      'https://other.example.com',
      'flag',
      'apikey',
      'env',
    ],
    [
      'FELDERA_AUTH_TOKEN_COMMAND',
      {},
      { FELDERA_AUTH_TOKEN_COMMAND: 'cmd' },
      'https://prod.example.com',
      'profile',
      'token-command',
      'env',
    ],
    [
      'FELDERA_API_KEY beats FELDERA_AUTH_TOKEN_COMMAND',
      {},
      { FELDERA_API_KEY: KEY_E, FELDERA_AUTH_TOKEN_COMMAND: 'cmd' },
      'https://prod.example.com',
      'profile',
      'apikey',
      'env',
    ],
  ];
  it.each(table)('%s', (_name, flags, env, host, hostSource, kind, credSource) => {
    const c = resolveConnection(flags, env, config);
    expect(c.host).toBe(host);
    expect(c.sources.host).toBe(hostSource);
    expect(c.credential.kind).toBe(kind);
    expect(c.sources.credential).toBe(credSource);
  });

  it('nothing configured: the default host, no credential, 10 s, 3 retries', () => {
    const c = resolveConnection({}, {}, { profiles: {} });
    expect(c.host).toBe(DEFAULT_HOST);
    expect(c.host).toBe('http://127.0.0.1:8080');
    expect(c.credential).toEqual({ kind: 'none' });
    expect(c.timeoutMs).toBe(10_000);
    expect(c.retries).toBe(3);
    expect(Object.values(c.sources).every((v) => v === 'default')).toBe(true);
    expect(c.profileName).toBeUndefined();
  });

  it('names why a profile credential was withheld, and withholds the profile tenant and TLS settings too', () => {
    const c = resolveConnection({ host: 'https://other.example.com' }, {}, config);
    expect(c.credentialWithheld).toBe(
      'the credential of profile "prod" belongs to https://prod.example.com, not https://other.example.com',
    );
    expect(c.withheld).toEqual(['credential', 'tenant', 'caCert']);
    expect(c.tenant).toBeUndefined();
    expect(c.caCert).toBeUndefined();
    expect(c.profileName).toBe('prod');
  });

  it('the env credential is sent to a FELDERA_HOST that differs, the profile one is not', () => {
    const c = resolveConnection({}, { FELDERA_HOST: 'https://x.example.com', FELDERA_API_KEY: KEY_E }, config);
    expect(c.credential).toEqual({ kind: 'apikey', token: KEY_E });
    expect(c.credentialWithheld).toBeUndefined();
  });

  const settings: [
    string,
    GlobalFlags,
    Record<string, string>,
    Partial<Record<'tenant' | 'insecure' | 'caCert' | 'timeoutMs' | 'retries', unknown>>,
    Record<string, string>,
  ][] = [
    [
      'profile values',
      {},
      {},
      { tenant: 'acme', caCert: '/etc/prod-ca.pem', insecure: false, timeoutMs: 10_000, retries: 3 },
      { tenant: 'profile', caCert: 'profile', insecure: 'default', timeout: 'default', retries: 'default' },
    ],
    [
      'env beats profile',
      {},
      {
        FELDERA_TENANT: 't-env',
        FELDERA_HTTPS_TLS_CERT: '/env.pem',
        FELDERA_TLS_INSECURE: 'true',
        FELDERA_REQUEST_TIMEOUT: '2.5',
        FELDERA_RETRIES: '0',
      },
      { tenant: 't-env', caCert: '/env.pem', insecure: true, timeoutMs: 2500, retries: 0 },
      { tenant: 'env', caCert: 'env', insecure: 'env', timeout: 'env', retries: 'env' },
    ],
    [
      'flags beat env',
      { tenant: 't-flag', caCert: '/flag.pem', insecure: true, requestTimeout: '30', retries: '5' },
      {
        FELDERA_TENANT: 't-env',
        FELDERA_HTTPS_TLS_CERT: '/env.pem',
        FELDERA_TLS_INSECURE: '0',
        FELDERA_REQUEST_TIMEOUT: '2',
        FELDERA_RETRIES: '1',
      },
      { tenant: 't-flag', caCert: '/flag.pem', insecure: true, timeoutMs: 30_000, retries: 5 },
      { tenant: 'flag', caCert: 'flag', insecure: 'flag', timeout: 'flag', retries: 'flag' },
    ],
    [
      'FELDERA_TLS_INSECURE=false is false',
      {},
      { CLUSTER_PROFILE: 'dev', FELDERA_TLS_INSECURE: 'false' },
      { insecure: false },
      { insecure: 'env' },
    ],
    ['profile insecure', {}, { CLUSTER_PROFILE: 'dev' }, { insecure: true }, { insecure: 'profile' }],
    [
      'empty env values count as unset',
      {},
      { CLUSTER_PROFILE: 'dev', FELDERA_TENANT: '', FELDERA_TLS_INSECURE: '', FELDERA_RETRIES: '' },
      { insecure: true, tenant: undefined, retries: 3 },
      { insecure: 'profile', retries: 'default' },
    ],
  ];
  it.each(settings)('%s', (_name, flags, env, expected, sources) => {
    const c = resolveConnection(flags, env, config);
    for (const [k, v] of Object.entries(expected)) expect(c[k as keyof typeof c], k).toEqual(v);
    for (const [k, v] of Object.entries(sources)) expect(c.sources[k as keyof typeof c.sources], k).toBe(v);
  });

  it('picks the profile named "default" when nothing is current', () => {
    const c = resolveConnection(
      {},
      {},
      { profiles: { default: { host: 'https://d.example.com', auth: { kind: 'none' } } } },
    );
    expect(c.profileName).toBe('default');
    expect(c.host).toBe('https://d.example.com');
  });

  it('an unknown profile from --profile or CLUSTER_PROFILE is an error listing the known ones', () => {
    expect(() => resolveConnection({ profile: 'nope' }, {}, config)).toThrow(/no profile named "nope"/);
    try {
      resolveConnection({}, { CLUSTER_PROFILE: 'nope' }, config);
      expect.unreachable();
    } catch (e) {
      expect((e as CliError).hint).toContain('known profiles: prod, dev, default');
    }
    expect(() => resolveConnection({ profile: 'prdo' }, {}, config)).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/^did you mean prod\? known profiles: /) }),
    );
  });

  it('does not find profiles on Object.prototype', () => {
    expect(() => resolveConnection({ profile: 'constructor' }, {}, config)).toThrow(/no profile named "constructor"/);
    expect(() => resolveConnection({ profile: 'toString' }, {}, { profiles: {} })).toThrow(CliError);
  });

  it.each([
    [{ requestTimeout: '0' }, {}, /--request-timeout "0"/],
    [{ requestTimeout: 'ten' }, {}, /--request-timeout/],
    [{ requestTimeout: '99999' }, {}, /at most 3600/],
    [{}, { FELDERA_REQUEST_TIMEOUT: '-1' }, /FELDERA_REQUEST_TIMEOUT/],
    [{ retries: '1.5' }, {}, /--retries "1.5"/],
    [{}, { FELDERA_RETRIES: 'many' }, /FELDERA_RETRIES/],
    [{}, { FELDERA_TLS_INSECURE: 'maybe' }, /FELDERA_TLS_INSECURE "maybe"/],
    [{ host: 'ftp://x' }, {}, /only http/],
    [{ host: 'https://user:pw@x.example.com' }, {}, /credentials do not belong in the URL/],
  ] as [GlobalFlags, Record<string, string>, RegExp][])('usage error (exit 64) for %j %j', (flags, env, re) => {
    try {
      resolveConnection(flags, env, { profiles: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(64);
      expect((e as CliError).message).toMatch(re);
    }
  });
});

describe('hosts', () => {
  it.each([
    ['localhost:8080', 'http://localhost:8080'],
    ['https://Feldera.Example.com/', 'https://feldera.example.com'],
    ['https://f.example.com:443', 'https://f.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    [' https://f.example.com/prefix/ ', 'https://f.example.com/prefix'],
    ['[::1]:8080', 'http://[::1]:8080'],
  ])('normaliseHost(%j) = %j', (input, out) => {
    expect(normaliseHost(input)).toBe(out);
  });

  it('an invalid host is quoted back without its user:password or query', () => {
    const message = (h: string) => {
      try {
        normaliseHost(h);
      } catch (e) {
        return (e as CliError).message;
      }
      throw new Error(`accepted ${h}`);
    };
    expect(message('https://admin:S3cretPassw0rd99@f.example.com')).toBe(
      'invalid host "https://***@f.example.com": credentials do not belong in the URL',
    );
    expect(message('https://f.example.com/?token=tok-123456789')).toBe(
      'invalid host "https://f.example.com/?…": a host has no query or fragment',
    );
    expect(message('ftp://u:pw-12345678@f')).toBe(
      'invalid host "ftp://***@f": only http:// and https:// are supported',
    );
    for (const h of [
      'https://admin:S3cretPassw0rd99@f.example.com',
      'https://f.example.com/#tok-123456789',
      'ftp://u:pw-12345678@f',
    ]) {
      expect(message(h)).not.toMatch(/S3cret|tok-1|pw-1/);
    }
  });

  it('isLoopback', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1', 'api.localhost'])
      expect(isLoopback(h), h).toBe(false);
  });

  it('credentialTransportProblem refuses bearer over http to non-loopback hosts only', () => {
    expect(credentialTransportProblem('http://f.example.com', 'apikey')?.kind).toBe('insecure-credential');
    expect(credentialTransportProblem('http://f.example.com', 'none')).toBeUndefined();
    expect(credentialTransportProblem('https://f.example.com', 'token-command')).toBeUndefined();
    expect(credentialTransportProblem('http://127.0.0.1:8080', { kind: 'apikey', token: 'x' })).toBeUndefined();
  });
});

describe('masking', () => {
  it('shows 4 + 4 characters of a long key', () => {
    const key = `apikey:AbCd${'x'.repeat(120)}wxyz`;
    expect(maskSecret(key)).toBe('apikey:AbCd…wxyz');
    expect(describeCredential({ kind: 'apikey', token: key })).toBe('api key apikey:AbCd…wxyz');
  });

  it('shows nothing of a short secret', () => {
    expect(maskSecret('apikey:secret')).toBe('apikey:****');
    expect(maskSecret('short')).toBe('****');
  });

  it('never reveals more than 8 characters nor the whole secret (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (s) => {
        const body = s.startsWith('apikey:') ? s.slice(7) : s;
        const m = maskSecret(s);
        if ([...body].length >= 4) expect(m.includes(body)).toBe(false);
        const shown = m.replace(/^apikey:/, '').replace(/[…*]/g, '');
        expect([...shown].length).toBeLessThanOrEqual(8 + 12); // sanitised escapes can lengthen it
      }),
    );
  });
});

describe('a profile named with --profile beats the environment', () => {
  const everyEnv = {
    FELDERA_HOST: 'https://env.example.com',
    FELDERA_API_KEY: KEY_E,
    FELDERA_TENANT: 't-env',
    FELDERA_TLS_INSECURE: '1',
    FELDERA_HTTPS_TLS_CERT: '/env.pem',
    FELDERA_REQUEST_TIMEOUT: '2.5',
  };

  it('host, credential, tenant and TLS come from the profile; the variables set aside are listed', () => {
    const c = resolveConnection({ profile: 'prod' }, everyEnv, config);
    expect(c.host).toBe('https://prod.example.com');
    expect(c.credential).toEqual({ kind: 'apikey', token: KEY_P });
    expect(c.tenant).toBe('acme');
    expect(c.caCert).toBe('/etc/prod-ca.pem');
    expect(c.insecure).toBe(false);
    expect(c.sources).toMatchObject({
      host: 'profile',
      credential: 'profile',
      tenant: 'profile',
      caCert: 'profile',
      profile: 'flag',
    });
    expect(c.ignoredEnv).toEqual([
      'FELDERA_HOST',
      'FELDERA_API_KEY',
      'FELDERA_TENANT',
      'FELDERA_TLS_INSECURE',
      'FELDERA_HTTPS_TLS_CERT',
    ]);
    expect(c.withheld).toBeUndefined();
    // not a connection of its own: the timeout still applies
    expect(c.timeoutMs).toBe(2500);
  });

  it('an environment key is not sent to a profile without a credential either (it is for another host)', () => {
    const c = resolveConnection(
      { profile: 'dev' },
      { FELDERA_API_KEY: KEY_E, FELDERA_AUTH_TOKEN_COMMAND: 'cmd' },
      config,
    );
    expect(c.credential).toEqual({ kind: 'none' });
    expect(c.ignoredEnv).toEqual(['FELDERA_API_KEY', 'FELDERA_AUTH_TOKEN_COMMAND']);
  });

  it('CLUSTER_PROFILE and the current profile do not: the environment still wins over them', () => {
    for (const env of [{ ...everyEnv, CLUSTER_PROFILE: 'prod' }, everyEnv]) {
      const c = resolveConnection({}, env, config);
      expect(c.host).toBe('https://env.example.com');
      expect(c.credential).toEqual({ kind: 'apikey', token: KEY_E });
      expect(c.ignoredEnv).toBeUndefined();
    }
  });

  it('flags still beat the named profile', () => {
    const c = resolveConnection(
      { profile: 'prod', host: 'https://flag.example.com', tenant: 't-flag' },
      everyEnv,
      config,
    );
    expect(c.host).toBe('https://flag.example.com');
    expect(c.credential).toEqual({ kind: 'none' }); // the profile's belongs to its own host, the environment's is set aside
    expect(c.credentialWithheld).toContain('belongs to https://prod.example.com');
    expect(c.tenant).toBe('t-flag');
  });
});

describe('the tenant is checked before any request', () => {
  it.each([
    [
      'FELDERA_TENANT with CR/LF',
      {},
      { FELDERA_TENANT: 'acme\r\nX-Evil: 1' },
      'invalid FELDERA_TENANT: the tenant contains a line break',
    ],
    [
      '--tenant with a non-ASCII letter',
      { tenant: 'acmé' },
      {},
      'invalid --tenant: the tenant contains a non-ASCII character ("é")',
    ],
    ['--tenant with a tab', { tenant: 'a\tb' }, {}, 'invalid --tenant: the tenant contains a control character'],
  ])('%s: usage error (64)', (_name, flags: GlobalFlags, env: Record<string, string>, message) => {
    let e: unknown;
    try {
      resolveConnection(flags, env, { profiles: {} });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(64);
    expect((e as CliError).message).toContain(message);
    expect((e as CliError).message).toContain('printable ASCII only');
  });

  it('a stored profile with such a tenant: a config error (exit 1) that says how to fix it', () => {
    const bad: ConfigData = {
      current: 'p',
      profiles: { p: { host: 'https://h.example.com', auth: { kind: 'none' }, tenant: 'a\nb' } },
    };
    let e: unknown;
    try {
      resolveConnection({}, {}, bad);
    } catch (x) {
      e = x;
    }
    expect((e as CliError).exitCode).toBe(1);
    expect((e as CliError).message).toContain('(profile "p")');
    expect((e as CliError).hint).toContain('cluster login --profile p --tenant');
  });

  it('printable ASCII, spaces included, is sent as it is', () => {
    expect(resolveConnection({ tenant: 'Acme Corp-1' }, {}, { profiles: {} }).tenant).toBe('Acme Corp-1');
  });
});
