/**
 * `auth status` against Feldera before v0.330.0, whose `/v0/config/session` answers only
 * `{tenant_id, tenant_name}` (no `memberships`, no `role`): the session is shown, not refused.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { type AuthStatusReport, newCmdStatus } from '../../../src/commands/auth/status.js';
import { configPath } from '../../../src/config/profiles.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, runOrThrow } from '../../helpers/command.js';
import { type FakeServer, fakeServer, PLATFORM } from '../../helpers/fake-server.js';
import { bufferIO } from '../../helpers/io.js';
import '../../helpers/test-names.cjs';

const TENANT = '6f1c0000-0000-4000-8000-000000000000';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function authStatus(json: boolean) {
  server = await fakeServer((req) => {
    if (req.url === '/config/authentication') return { status: 200, json: {} };
    if (req.url === '/v0/config') return { status: 200, json: { ...PLATFORM, version: '0.329.0' } };
    if (req.url === '/v0/config/session') return { status: 200, json: { tenant_id: TENANT, tenant_name: 'acme' } };
    return { status: 404, body: '' };
  });
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
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
  expect(r.err).toBe('');
});

it('--json: memberships is null, not a made-up count', async () => {
  const r = await authStatus(true);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out) as AuthStatusReport;
  expect(report.session).toEqual({ tenant_id: TENANT, tenant_name: 'acme', role: null, memberships: null });
  expect(report.ok).toBe(true);
});
