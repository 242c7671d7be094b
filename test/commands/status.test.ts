import { describe, expect, it } from 'vitest';
import { newCmdStatus as run } from '../../src/commands/status.js';
import { EXIT } from '../../src/errors.js';
import { closedPort, getJson, HOUR, MIN, runCommand, sim } from '../helpers/sim.js';

describe('status against the simulator', () => {
  it("healthy: exit 0; piped key: value lines; --json is the server's HealthStatus", async () => {
    const s = await sim({ scenario: 'healthy', history: 72 * HOUR });
    try {
      const server = await getJson(`${s.url}/v0/cluster_healthz`);
      expect(server.status).toBe(200);
      const r = await runCommand(run, {}, { host: s.url });
      expect(r.code).toBe(EXIT.OK);
      expect(r.out).toMatch(
        /^verdict: healthy\nsince: \S+Z\nreason: api, compiler and runner healthy\nchecked_at: \S+Z\nage: \d\S*( \d+s)?\nall_healthy: true\n/,
      );
      expect(r.out).toContain('api_status: Healthy\napi_healthy: true\napi_unchanged_since: ');
      expect(r.out).toContain(
        'runner_message: Healthy: The runner service responded successfully to the last health check.\n',
      );
      const j = await runCommand(run, { json: true }, { host: s.url });
      expect(j.code).toBe(EXIT.OK);
      expect(JSON.parse(j.out)).toEqual(server.body);
      const t = await runCommand(run, { utc: true }, { host: s.url, tty: true, columns: 80 });
      const lines = t.out.split('\n');
      // Healthy since the start of the retained history (72 h ago): a date, since it was not today;
      // the reason wraps under it where the line would not fit 80 columns.
      expect(lines[0]).toMatch(/^✓ healthy since \d{4}-\d\d-\d\d \d\d:\d\dZ \((3d|2d 23h) ago\)$/);
      expect(lines[1]).toBe('  api, compiler and runner healthy');
      expect(lines[2]).toMatch(
        /^ {2}checked at {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \((just now|\d+[sm]( \d+s)? ago)\)$/,
      );
      expect(lines[4]).toMatch(/^SERVICE +STATUS +SINCE +MESSAGE$/);
      expect(lines[5]).toMatch(/^api +✓ Healthy +(3d|2d 23h) ago +Healthy: The api service/);
      const wide = await runCommand(run, { utc: true }, { host: s.url, tty: true, columns: 120 });
      expect(wide.out.split('\n')[0]).toMatch(
        /^✓ healthy since .*\(.* ago\) {2}· {2}api, compiler and runner healthy$/,
      );
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    } finally {
      await s.close();
    }
  });

  it('compiler-outage during the outage: exit 2, the message from the server (sanitised)', async () => {
    const s = await sim({ scenario: 'compiler-outage', history: 10 * MIN });
    try {
      const r = await runCommand(run, {}, { host: s.url, tty: true });
      expect(r.code).toBe(EXIT.UNHEALTHY);
      expect(r.out.split('\n')[0]).toMatch(
        /^✗ unhealthy since \d\d:\d\d \(\d+m( \d+s)? ago\) {2}· {2}compiler Unhealthy$/,
      );
      expect(r.out).toMatch(/compiler +✗ Unhealthy +\d+m( \d+s)? ago +Unreachable: Unable to connect to the compiler/);
      const j = await runCommand(run, { json: true }, { host: s.url });
      expect(j.code).toBe(EXIT.UNHEALTHY);
      expect(JSON.parse(j.out)).toEqual((await getJson(`${s.url}/v0/cluster_healthz`)).body);
      s.clock.advance(20 * MIN); // recovered
      expect((await runCommand(run, {}, { host: s.url })).code).toBe(EXIT.OK);
    } finally {
      await s.close();
    }
  });

  it('stalled: all healthy but old by the server\'s Date: exit 3, "stale" with the age', async () => {
    const s = await sim({ scenario: 'stalled', history: 2 * HOUR });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r.code).toBe(EXIT.STALE);
      expect(r.out).toMatch(
        /^verdict: stale\nsince: \S+Z\nreason: no check for 1h 5\dm \(more than 45m, the default until a command that reads the history \(`cluster event list`\) learns this instance's healthy period\)/,
      );
      const t = await runCommand(run, {}, { host: s.url, tty: true });
      expect(t.out).toMatch(/^! stale since \d\d:\d\d \(1h 5\dm ago\)\n {2}no check for 1h 5\dm/);
      const j = await runCommand(run, { json: true }, { host: s.url });
      expect(j.code).toBe(EXIT.STALE);
      expect(JSON.parse(j.out).all_healthy).toBe(true);
      expect(j.err).toMatch(/^warning: the latest check is 1h 5\dm old .*: stale\n$/);
      expect((await runCommand(run, { staleAfter: '2h' }, { host: s.url })).code).toBe(EXIT.OK);
    } finally {
      await s.close();
    }
  });

  it("the stale limit is judged by the server's clock, not ours", async () => {
    // The simulator's clock is years away from the local one: a healthy, fresh answer stays healthy.
    const s = await sim({ scenario: 'healthy', history: HOUR, start: Date.UTC(2031, 0, 1) });
    try {
      expect((await runCommand(run, {}, { host: s.url })).code).toBe(EXIT.OK);
    } finally {
      await s.close();
    }
  });

  it('long-info: server text with control characters never reaches the terminal raw', async () => {
    const s = await sim({ scenario: 'long-info', history: 5 * MIN });
    try {
      for (const tty of [true, false]) {
        const r = await runCommand(run, {}, { host: s.url, tty, columns: 120 });
        expect(r.code).toBe(EXIT.UNHEALTHY);
        expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
    } finally {
      await s.close();
    }
  });

  it('unreachable: exit 1; bad --stale-after: exit 64', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCommand(run, {}, { host: dead });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.error?.message).toMatch(/cannot reach/);
    expect((await runCommand(run, { staleAfter: 'later' }, { host: dead })).code).toBe(EXIT.USAGE);
  });

  it('no events yet: starting, exit 2, saying so', async () => {
    const s = await sim({ history: 0 });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r.code).toBe(EXIT.UNHEALTHY);
      expect(r.out).toMatch(/^verdict: starting\nsince: unknown\nreason: no cluster monitor events recorded yet/);
      const t = await runCommand(run, {}, { host: s.url, tty: true });
      expect(t.out).toMatch(/^… starting(\n| {2}· {2}) *no cluster monitor events recorded yet/);
      const j = await runCommand(run, { json: true }, { host: s.url });
      expect(j.code).toBe(EXIT.UNHEALTHY);
      expect(JSON.parse(j.out).error).toMatchObject({ kind: 'no-events', exit_code: 2 });
    } finally {
      await s.close();
    }
  });
});

describe('status on a server without /v0/cluster_healthz', () => {
  // Every Feldera with cluster monitor events (v0.201+) has /v0/cluster_healthz, which came first
  // (v0.121): there is no version to compute it for from the events, so a 404 is an error.
  it("exit 1; the server's version from /v0/config says it should have the route (a proxy?)", async () => {
    const s = await sim({ scenario: 'healthy', history: HOUR, omitRoutes: ['cluster_healthz'] });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r.code).toBe(EXIT.FAILURE);
      expect(r.error?.message).toMatch(/\/v0\/cluster_healthz answered 404/);
      expect(r.error?.hint).toMatch(/says it runs Feldera 0\.337\.0, which has \/v0\/cluster_healthz: a proxy/);
      expect(r.out).toBe('');
    } finally {
      await s.close();
    }
  });
});
