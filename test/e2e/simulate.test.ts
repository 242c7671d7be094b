import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, tempConfigDir } from '../helpers/cli.js';

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('cluster simulate (end to end)', () => {
  it('prints its URL first, serves Feldera answers, and stops cleanly on SIGTERM', async () => {
    const run = startCli(['simulate', '--port', '0', '--seed', '3', '--history', '30m'], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
    });
    child = run.child;
    const url = await run.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const latest = await get(`${url}/v0/cluster/events/latest`);
    expect(latest.status).toBe(200);
    expect(latest.headers['cache-control']).toBe('no-cache');
    const event = JSON.parse(latest.body);
    expect(Object.keys(event).sort()).toEqual([
      'all_healthy',
      'api_status',
      'compiler_status',
      'id',
      'recorded_at',
      'runner_status',
    ]);
    expect(event.recorded_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/);

    const list = JSON.parse((await get(`${url}/v0/cluster/events`)).body) as { id: string }[];
    expect(list.length).toBeGreaterThan(1);
    expect(list[0]!.id).toBe(event.id);

    const missing = await get(`${url}/v0/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('');

    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(run.output().stdout.trim()).toBe(url); // the URL is the only thing on stdout
  });

  it('requires the bearer key when started with --api-key', async () => {
    const run = startCli(['simulate', '--port', '0', '--api-key', 'apikey:e2e-secret'], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
    });
    child = run.child;
    const url = await run.firstLine;
    const none = await get(`${url}/v0/cluster/events`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const ok = await get(`${url}/v0/cluster/events`, { authorization: 'Bearer apikey:e2e-secret' });
    expect(ok.status).toBe(200);
    expect(run.output().stderr).not.toContain('e2e-secret');
  });

  it('rejects a bad option value with exit 64', async () => {
    const run = startCli(['simulate', '--port', '0', '--speed', 'fast'], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
    });
    child = run.child;
    const { code } = await run.exited;
    expect(code).toBe(64);
    expect(run.output().stderr).toMatch(/speed/);
  });
});
