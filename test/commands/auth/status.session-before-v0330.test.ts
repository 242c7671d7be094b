/**
 * `auth status` against Feldera before v0.330.0, whose `/v0/config/session` answers only
 * `{tenant_id, tenant_name}` (no `memberships`, no `role`): the session is shown, not refused —
 * with authentication off, and on with an API key (v0.150 and v0.300, as the README's version
 * table promises for v0.150–v0.329).
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthStatusReport, newCmdStatus } from '../../../src/commands/auth/status.js';
import { configPath } from '../../../src/config/profiles.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, runOrThrow } from '../../helpers/command.js';
import { type FakeServer, fakeServer, PLATFORM } from '../../helpers/fake-server.js';
import { bufferIO } from '../../helpers/io.js';
import '../../helpers/test-names.cjs';

const TENANT = '6f1c0000-0000-4000-8000-000000000000';
const KEY = `apikey:AbCd${'q'.repeat(120)}wxyz`;
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A Feldera of `version` whose session has no memberships; with `auth`, only KEY gets in. */
async function authStatus(json: boolean, version = '0.329.0', auth = false) {
  server = await fakeServer((req) => {
    if (req.url === '/config/authentication')
      return { status: 200, json: auth ? { GenericOidc: { issuer: 'https://idp', client_id: 'c' } } : {} };
    if (auth && req.headers.authorization !== `Bearer ${KEY}`)
      return { status: 401, json: { message: 'Unauthorized API key', error_code: 'AuthenticationFailed' } };
    if (req.url === '/v0/config') return { status: 200, json: { ...PLATFORM, version } };
    if (req.url === '/v0/config/session') return { status: 200, json: { tenant_id: TENANT, tenant_name: 'acme' } };
    return { status: 404, body: '' };
  });
  const env: Record<string, string> = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  if (auth) env.FELDERA_API_KEY = KEY;
  writeFileSync(configPath(env), JSON.stringify({ profiles: {} }));
  const io = bufferIO({ env });
  const flags = json ? { retries: '0', host: server.url, json } : { retries: '0', host: server.url };
  const code = await runOrThrow(newCmdStatus, argvOf(flags), { io });
  return { code, out: io.out(), err: io.err() };
}

it('the session of a server without memberships is shown; exit 0', async () => {
  const r = await authStatus(false);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`^Session +tenant acme \\(${TENANT}\\), role -$`, 'm'));
  expect(r.out).toMatch(/^Auth +off: no credential needed$/m);
  expect(r.err).toBe('');
});

it('--json: memberships is null, not a made-up count', async () => {
  const r = await authStatus(true);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out) as AuthStatusReport;
  expect(report.session).toEqual({ tenant_id: TENANT, tenant_name: 'acme', role: null, memberships: null });
  expect(report.ok).toBe(true);
});

describe.each(['0.150.0', '0.300.0'])('Feldera v%s with authentication on and an API key', (version) => {
  it('shows the tenant, the key accepted, exit 0', async () => {
    const r = await authStatus(false, version, true);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(`^Server +reachable, Feldera ${version.replace(/\./g, '\\.')} \\(Open source\\)$`, 'm'),
    );
    expect(r.out).toMatch(/^Auth +on \(GenericOidc\), credential accepted$/m);
    expect(r.out).toMatch(new RegExp(`^Session +tenant acme \\(${TENANT}\\), role -$`, 'm'));
    expect(r.out + r.err).not.toContain(KEY);
    expect(r.err).toBe('');
    expect(server!.seen.some((s) => s.url === '/v0/config/session')).toBe(true);
  });

  it('--json: ok, the session without memberships or role', async () => {
    const r = await authStatus(true, version, true);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as AuthStatusReport;
    expect(report).toMatchObject({ ok: true, error: null, server: { authorised: true, version } });
    expect(report.session).toEqual({ tenant_id: TENANT, tenant_name: 'acme', role: null, memberships: null });
  });
});
