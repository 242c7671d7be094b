/**
 * `cluster login --oidc`: its flags (usage errors, exit 64, before anything is asked), the instance
 * that names no provider or a bad one, and the credential describe/store round trip. The logins
 * themselves run against a real provider in test/oidc, test/config/oidc-tokens.test.ts and
 * test/e2e/oidc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { newCmdLogin } from '../../src/commands/login.js';
import { readConfig } from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';
import { cognitoClientId, oidcProviderOf } from '../../src/queries/oidc-provider.js';
import { startSimulator } from '../../src/simulator/index.js';
import { tempConfigDir } from '../helpers/cli.js';
import { parse, parseFails, runOrThrow } from '../helpers/command.js';
import { bufferIO } from '../helpers/io.js';
import { closedPort } from '../helpers/sim.js';

describe('login --oidc flags', () => {
  it('parse into the options', async () => {
    expect((await parse(newCmdLogin, ['--oidc'])).oidc).toEqual({ device: false, browser: true, callbackPort: 0 });
    expect(
      (await parse(newCmdLogin, ['--oidc', '--no-browser', '--client-id', 'cli', '--callback-port', '8250'])).oidc,
    ).toEqual({ device: false, browser: false, clientId: 'cli', callbackPort: 8250 });
    expect((await parse(newCmdLogin, ['--oidc', '--device'])).oidc).toMatchObject({ device: true });
    expect((await parse(newCmdLogin, [])).oidc).toBeUndefined();
  });

  it.each([
    [['--device'], '--device needs --oidc'],
    [['--no-browser'], '--no-browser needs --oidc'],
    [['--client-id', 'x'], '--client-id needs --oidc'],
    [['--oidc', '--api-key-stdin'], '--oidc and --api-key-stdin exclude each other'],
    [['--oidc', '--token-command', 'x'], '--oidc and --token-command exclude each other'],
    [['--oidc', '--no-verify'], '--oidc and --no-verify exclude each other'],
    [['--oidc', '--device', '--callback-port', '1'], '--callback-port is for the browser login'],
    [['--oidc', '--callback-port', '70000'], 'invalid --callback-port "70000"'],
    [['--oidc', '--client-id', 'two words'], 'invalid --client-id'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await parseFails(newCmdLogin, argv);
    expect(r.code).toBe(64);
    expect(r.err).toContain(message);
    expect(r.opts).toBeUndefined();
  });
});

describe('the identity provider an instance names', () => {
  it('GenericOidc: issuer, client id, extra scopes', () => {
    expect(
      oidcProviderOf(
        { GenericOidc: { issuer: 'https://idp', client_id: 'web', extra_oidc_scopes: ['groups', 7] } },
        'h',
      ),
    ).toEqual({ provider: 'GenericOidc', issuer: 'https://idp', clientId: 'web', extraScopes: ['groups'] });
  });

  it('AwsCognito: the client id of its hosted login URL', () => {
    const login = 'https://acme.auth.us-east-1.amazoncognito.com/login?client_id=abc123&response_type=code';
    expect(
      oidcProviderOf(
        { AwsCognito: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/pool', login_url: login } },
        'h',
      ),
    ).toEqual({
      provider: 'AwsCognito',
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/pool',
      clientId: 'abc123',
      extraScopes: [],
    });
    expect(cognitoClientId('not a url')).toBeUndefined();
  });

  it('off, incomplete, or unknown', () => {
    expect(oidcProviderOf({}, 'h')).toBeUndefined();
    expect(() => oidcProviderOf({ GenericOidc: { client_id: 'x' } }, 'https://f')).toThrow(
      'https://f names its identity provider without an issuer (/config/authentication)',
    );
    expect(() => oidcProviderOf({ Keycloak: {} } as never, 'https://f')).toThrow(/does not know: Keycloak/);
  });
});

describe('login --oidc against an instance', () => {
  it('with authentication off there is nothing to log in to, and nothing is saved', async () => {
    const open = await startSimulator({ port: 0, seed: 3 });
    const dir = tempConfigDir();
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } });
    try {
      const e = (await runOrThrow(newCmdLogin, ['--oidc', '--host', open.url], { io }).catch((x) => x)) as CliError;
      expect(e).toBeInstanceOf(CliError);
      expect(e.message).toBe(`${open.url} has authentication off: there is no identity provider to log in at`);
      expect(e.hint).toBe(`save the host without a credential: \`cluster login --host ${open.url}\``);
      expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).profiles).toEqual({});
    } finally {
      await open.close();
    }
  });

  it('an identity provider it cannot reach is one line with a hint, and nothing is saved', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const s = await startSimulator({
      port: 0,
      seed: 4,
      oidc: { issuer, fetchJson: async () => ({ jwks_uri: `${issuer}/jwks` }) },
    });
    const dir = tempConfigDir();
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } });
    try {
      const e = (await runOrThrow(newCmdLogin, ['--oidc', '--device', '--host', s.url], { io }).catch(
        (x) => x,
      )) as CliError;
      expect(e).toBeInstanceOf(CliError);
      expect(e.message).toBe(
        `reading the discovery document: cannot reach the identity provider at ${issuer} (connection refused)`,
      );
      expect(e.exitCode).toBe(1);
      expect(e.hint).toMatch(/reachable from here/);
      expect(readConfig({ CLUSTER_CONFIG_DIR: dir }).profiles).toEqual({});
    } finally {
      await s.close();
    }
  });
});
