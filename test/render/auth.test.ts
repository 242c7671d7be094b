/**
 * `auth status` for people (render/auth.ts): the TLS and Auth lines say what is true for the
 * connection, and the columns are measured on the text as shown.
 */
import { describe, expect, it } from 'vitest';
import { type AuthStatusReport, renderReport } from '../../src/render/auth.js';

const plain = { dim: (s: string) => s, green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s };

function report(
  over: Partial<AuthStatusReport> = {},
  server: Partial<AuthStatusReport['server']> = {},
): AuthStatusReport {
  const def = <T>(value: T) => ({ value, source: 'default' as const, from: 'default' });
  return {
    profile: def<string | null>(null),
    host: { value: 'https://feldera.example.com', source: 'flag', from: '--host' },
    credential: { ...def('none'), kind: 'none', withheld: null },
    tenant: def<string | null>(null),
    insecure: def(false),
    ca_cert: def<string | null>(null),
    request_timeout_s: def(10),
    retries: def(3),
    withheld: [],
    ignored_env: [],
    server: {
      reachable: true,
      authentication: 'off',
      provider: null,
      authorised: true,
      version: '0.337.0',
      edition: 'Enterprise',
      revision: null,
      ...server,
    },
    session: null,
    ok: true,
    error: null,
    ...over,
  };
}

const line = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(label)) ?? '';

describe('TLS line', () => {
  it('https: verified, from its default', () => {
    expect(line(renderReport(report(), plain), 'TLS')).toMatch(/^TLS +verified +\(default\)$/);
  });

  it('http: no TLS at all, not "verified"', () => {
    const r = report({ host: { value: 'http://127.0.0.1:8080', source: 'default', from: 'default' } });
    expect(line(renderReport(r, plain), 'TLS')).toMatch(/^TLS +none: plain http$/);
  });

  it('http with --insecure or a CA: they are named as not used', () => {
    const r = report({
      host: { value: 'HTTP://10.0.0.1:8080', source: 'flag', from: '--host' },
      insecure: { value: true, source: 'flag', from: '--insecure' },
      ca_cert: { value: '/tmp/ca.pem', source: 'env', from: 'FELDERA_HTTPS_TLS_CERT' },
    });
    expect(line(renderReport(r, plain), 'TLS')).toMatch(
      /^TLS +none: plain http \(--insecure, FELDERA_HTTPS_TLS_CERT: not used\)$/,
    );
  });

  it('https with --insecure: not verified', () => {
    const r = report({ insecure: { value: true, source: 'flag', from: '--insecure' } });
    expect(line(renderReport(r, plain), 'TLS')).toMatch(
      /^TLS +certificates NOT verified \(insecure\) +\(--insecure\)$/,
    );
  });
});

describe('Auth line agrees with the Credential line', () => {
  const key = { value: 'api key apikey:AbCd…wxyz', source: 'env' as const, from: 'FELDERA_API_KEY' };
  const cases: [string, Partial<AuthStatusReport>, Partial<AuthStatusReport['server']>, string][] = [
    ['off, no credential', {}, {}, 'off: no credential needed'],
    [
      'off, a key',
      { credential: { ...key, kind: 'apikey', withheld: null } },
      {},
      'off: no credential needed (the one given is not checked)',
    ],
    [
      'on, accepted',
      { credential: { ...key, kind: 'apikey', withheld: null } },
      { authentication: 'on', provider: 'GenericOidc' },
      'on (GenericOidc), credential accepted',
    ],
    [
      'on, refused',
      { credential: { ...key, kind: 'apikey', withheld: null } },
      { authentication: 'on', provider: 'GenericOidc', authorised: false },
      'on (GenericOidc), credential NOT accepted',
    ],
    [
      'on, none sent',
      {},
      { authentication: 'on', provider: 'AwsCognito', authorised: false },
      'on (AwsCognito), no credential sent',
    ],
  ];
  for (const [name, over, server, want] of cases) {
    it(name, () => {
      const text = renderReport(report(over, server), plain);
      expect(line(text, 'Auth')).toBe(`Auth        ${want}`);
      expect(text).not.toMatch(/credential none[\s\S]*credential accepted/i);
    });
  }
});

it('columns are measured after `shown`: a value that the output masks is padded to its masked width', () => {
  const command = `token command \`get-token --secret ${'s'.repeat(40)}\``;
  const r = report({
    credential: {
      value: command,
      source: 'env',
      from: 'FELDERA_AUTH_TOKEN_COMMAND',
      kind: 'token-command',
      withheld: null,
    },
  });
  const shown = (t: string) => t.replaceAll('s'.repeat(40), '<redacted>');
  const text = renderReport(r, plain, shown);
  expect(text).toContain('get-token --secret <redacted>');
  const starts = text
    .split('\n')
    .filter((l) => / {2}\((default|--\S+|FELDERA_\w+)\)$/.test(l))
    .map((l) => l.lastIndexOf('('));
  expect(starts.length).toBeGreaterThanOrEqual(6);
  expect(new Set(starts).size).toBe(1);
  // and the widest value sets the column: two spaces after the masked command
  expect(text).toContain('<redacted>`  (FELDERA_AUTH_TOKEN_COMMAND)');
});
