/**
 * The exporter's files: `--web-config` (the exporter-toolkit format, basic auth with bcrypt) and
 * `--target-credentials` (JSON, 0600), and the target patterns they and `--allow-target` share.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { parseTargetPattern, parseTargetUrl } from '../../src/exporter/allow.js';
import { parseTargetCredentials, readTargetCredentials } from '../../src/exporter/target-credentials.js';
import { basicAuth, readWebConfig } from '../../src/exporter/web-config.js';
import { selfSignedCert } from '../helpers/fake-server.js';

const dir = () => mkdtempSync(join(tmpdir(), 'cluster-exporter-files-'));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('--web-config', () => {
  it('TLS and basic auth as the exporter-toolkit writes them; relative paths from the file', async () => {
    const tls = selfSignedCert();
    expect(tls).toBeDefined();
    const d = dir();
    writeFileSync(join(d, 'c.pem'), tls!.cert);
    writeFileSync(join(d, 'k.pem'), tls!.key);
    const hash = hashSync('pw', 4).replace(/^\$2b\$/, '$2y$'); // htpasswd writes $2y$
    writeFileSync(
      join(d, 'web.yml'),
      `tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  min_version: TLS13\nbasic_auth_users:\n  prom: '${hash}'\n`,
    );
    const web = await readWebConfig(join(d, 'web.yml'));
    expect(web.tls).toMatchObject({ cert: tls!.cert, key: tls!.key, minVersion: 'TLSv1.3' });
    expect([...web.users!.keys()]).toEqual(['prom']);
  });

  it('refuses unknown keys, a missing key file, a hash that is not bcrypt, a file others may write', async () => {
    const d = dir();
    const cases: [string, RegExp][] = [
      [
        'tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [x]\n',
        /not supported here: cipher_suites/,
      ],
      ['tls_server_config:\n  cert_file: a\n', /needs both cert_file and key_file/],
      ['tls_server_config:\n  cert_file: a\n  key_file: b\n', /cannot read its cert_file .*ENOENT/],
      ['basic_auth_users:\n  prom: plain-text\n', /expected a bcrypt hash/],
      ['basic_auth: {}\n', /unknown keys: basic_auth/],
      ['tls_server_config: [1, 2\n', /not YAML/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(d, 'web.yml'), text, { mode: 0o600 });
      await expect(readWebConfig(join(d, 'web.yml')), text).rejects.toThrow(message);
    }
    writeFileSync(join(d, 'open.yml'), 'basic_auth_users: {}\n');
    chmodSync(join(d, 'open.yml'), 0o666);
    await expect(readWebConfig(join(d, 'open.yml'))).rejects.toThrow(/can be written by anyone/);
  });

  it('basic auth: the right password only; a verdict is remembered, unknown users are refused', async () => {
    const authorize = basicAuth(new Map([['prom', hashSync('secret', 4)]]));
    expect(await authorize(basic('prom', 'secret'))).toBe(true);
    expect(await authorize(basic('prom', 'secret'))).toBe(true);
    expect(await authorize(basic('prom', 'Secret'))).toBe(false);
    expect(await authorize(basic('other', 'secret'))).toBe(false);
    expect(await authorize(undefined)).toBe(false);
    expect(await authorize('Bearer secret')).toBe(false);
    expect(await authorize(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBe(false);
  });
});

describe('--target-credentials', () => {
  it('the first entry that matches gives the credential, tenant and CA', () => {
    const creds = parseTargetCredentials(
      JSON.stringify({
        targets: [
          { match: 'https://gw.example.com/feldera/', token_command: 'echo t', tenant: 'acme' },
          { match: '*.example.com', api_key: 'apikey:abc' },
        ],
      }),
      'creds.json',
    );
    const gw = parseTargetUrl('https://gw.example.com/feldera/a');
    const other = parseTargetUrl('https://x.example.com');
    if ('refused' in gw || 'refused' in other) throw new Error('valid targets');
    expect(creds.find((c) => c.matches(gw.url))).toMatchObject({
      credential: { kind: 'token-command', command: 'echo t' },
      tenant: 'acme',
    });
    expect(creds.find((c) => c.matches(other.url))?.credential).toEqual({ kind: 'apikey', token: 'apikey:abc' });
  });

  it('refuses a malformed file without repeating its content, and one others may read', () => {
    const bad: [unknown, RegExp][] = [
      [{ targets: [{ match: '*.x.com' }] }, /exactly one of api_key, token, token_command/],
      [{ targets: [{ match: '*.x.com', api_key: 'a', token: 'b' }] }, /exactly one of/],
      [{ targets: [{ match: '*.x.com', api_key: 'a', extra: 1 }] }, /unknown keys: extra/],
      [{ targets: [{ match: 'https://u@x.com', api_key: 'a' }] }, /entry 1: invalid match/],
      [{ credentials: [] }, /"targets" list/],
    ];
    for (const [raw, message] of bad)
      expect(() => parseTargetCredentials(JSON.stringify(raw), 'f'), String(message)).toThrow(message);
    expect(() => parseTargetCredentials('{"targets": [apikey:secret-value', 'f')).toThrow(/it is not JSON$/);
    const d = dir();
    writeFileSync(join(d, 'c.json'), JSON.stringify({ targets: [] }), { mode: 0o640 });
    expect(() => readTargetCredentials(join(d, 'c.json'))).toThrow(/others may read it \(mode 0640\)/);
    chmodSync(join(d, 'c.json'), 0o600);
    expect(readTargetCredentials(join(d, 'c.json'))).toEqual([]);
  });
});

describe('target patterns', () => {
  const matches = (pattern: string, target: string) => {
    const t = parseTargetUrl(target);
    if ('refused' in t) return `refused: ${t.refused}`;
    return parseTargetPattern(pattern).matches(t.url);
  };
  it.each([
    ['*.example.com', 'https://a.example.com', true],
    ['*.example.com', 'https://A.Example.COM', true],
    ['*.example.com', 'https://a.b.example.com', false],
    ['*.example.com', 'https://example.com', false],
    ['*.example.com', 'https://a.example.com.evil.net', false],
    ['*.example.com', 'https://a.example.com:8443', false],
    ['*.example.com:8443', 'https://a.example.com:8443', true],
    ['*.example.com:443', 'https://a.example.com', true],
    ['*.example.com:*', 'http://a.example.com:22', true],
    ['feldera-*.example.com', 'https://feldera-7.example.com', true],
    ['feldera-*.example.com', 'https://feldera-.example.com', false],
    ['feldera.example.com', 'https://f\u0435ldera.example.com', false], // Cyrillic е
    ['b\u00fccher.example.com', 'https://xn--bcher-kva.example.com', true], // IDN pattern, punycode target
    ['127.0.0.1:8080', 'http://2130706433:8080', true],
    ['10.0.0.*', 'http://10.0.0.7', true],
    ['10.0.0.*', 'http://10.0.1.7', false],
    ['https://gw.example.com/feldera', 'https://gw.example.com/feldera/x', true],
    ['https://gw.example.com/feldera', 'https://gw.example.com/feldera', true],
    ['https://gw.example.com/feldera', 'https://gw.example.com/feldera2', false],
    ['https://gw.example.com/feldera/', 'https://gw.example.com/feldera/../admin', false],
    ['https://gw.example.com/feldera/', 'http://gw.example.com/feldera/', false],
    ['https://gw.example.com', 'https://gw.example.com:444', false],
    ['*.example.com', 'https://a.example.com.', 'refused: a target host name may not end with a dot'],
    [
      '*.example.com',
      'https://good.example.com@evil.net',
      'refused: a target URL may not hold spaces, control characters, a backslash or an @',
    ],
    ['*.example.com', 'ftp://a.example.com', 'refused: a target URL starts with http:// or https://'],
  ])('%s ~ %s: %s', (pattern, target, want) => {
    expect(matches(pattern, target)).toBe(want);
  });
});
