import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdStatus as run } from '../../src/commands/status.js';
import { EXIT } from '../../src/errors.js';
import { type Clock, systemClock } from '../../src/util/clock.js';
import type { FakeServer } from '../helpers/fake-server.js';
import { oldFeldera } from '../helpers/old-feldera.js';
import { closedPort, configWith, HOUR, rows, runCommand, type Sim, sim, slowServer, T0 } from '../helpers/sim.js';

/** The simulator's now, moving on with real time from the call; waits are real. */
function movingWith(s: Sim): Clock {
  const start = performance.now();
  const at = s.clock.now();
  return {
    now: () => Math.floor(at + performance.now() - start),
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
  };
}

/** Longer than any test may run: a row waiting for this answer fails the test. */
const NEVER = 10 * 60_000;

describe('status --all-profiles / -p (the fleet view)', () => {
  let ok: Sim;
  let sick: Sim;
  let stale: Sim;
  /** A Feldera v0.150: /v0/cluster_healthz in the {runner, compiler} shape, no event routes. */
  let old: FakeServer;
  let slow: Awaited<ReturnType<typeof slowServer>>;
  let down: string;
  let dir: string;

  beforeAll(async () => {
    [ok, sick, stale, old, slow] = await Promise.all([
      sim({ scenario: 'healthy', history: 72 * HOUR }),
      sim({ scenario: 'flapping', history: 6 * HOUR + 150_000 }), // 30 s into a runner failure
      sim({ scenario: 'stalled', history: 2 * HOUR }),
      // On the simulators' clock: one run has one local clock, and a server's Date further than 5
      // minutes from it is not believed.
      oldFeldera({ now: () => T0 }),
      slowServer(NEVER),
    ]);
    down = `http://127.0.0.1:${await closedPort()}`;
    dir = configWith({ ok: ok.url, sick: sick.url, stale: stale.url, old: old.url, slow: slow.url, down }, 'ok');
  });
  afterAll(() => Promise.all([ok.close(), sick.close(), stale.close(), old.close(), slow.close()]));

  it('three profiles, one down and one slow: a row each, exit 1, bounded by the request timeout', async () => {
    // The slow server answers after the test would have failed: only the request timeout ends its row.
    const before = slow.requests.length;
    const r = await runCommand(
      run,
      { profiles: 'ok,down,slow' },
      // The simulators' time, moving with real time: the retry budget is spent in real time here.
      { configDir: dir, flags: { requestTimeout: '1', retries: '3' }, clock: movingWith(ok) },
    );
    const asked = slow.requests.slice(before);
    expect(asked).toEqual([...new Set(asked)]); // each asked once: not 3 retries × 1 s
    expect(slow.mostAtOnce()).toBe(asked.length); // at once: one request timeout in all, not one per read
    expect(r.code).toBe(EXIT.FAILURE);
    const rs = rows(r.out);
    expect(rs.map((c) => c.slice(0, 3))).toEqual([
      ['ok', ok.url, 'healthy'],
      ['down', down, 'unreachable'],
      ['slow', slow.url, 'unreachable'],
    ]);
    expect(rs[0]![3]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/); // healthy since
    expect(rs[0]!.slice(4, 7)).toEqual(['Healthy', 'Healthy', 'Healthy']);
    expect(rs[0]![7]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/);
    expect(rs.map((c) => c.length)).toEqual([9, 9, 9]); // same fields on every row
    expect(rs[0]![8]).toBe('-');
    expect(rs[1]!.slice(3, 8)).toEqual(['-', '-', '-', '-', '-']);
    expect(rs[1]![8]).toMatch(/cannot reach .*connection refused/);
    expect(rs[2]![8]).toMatch(/no answer from .* within the request timeout/);
  });

  it('--all-profiles: every stored profile, sorted; exit is the most serious (1 before 3 before 2)', async () => {
    const r = await runCommand(run, { allProfiles: true }, { configDir: dir, flags: { requestTimeout: '0.5' } });
    expect(rows(r.out).map((c) => [c[0], c[2]])).toEqual([
      ['down', 'unreachable'],
      ['ok', 'healthy'],
      ['old', 'healthy'],
      ['sick', 'unhealthy'],
      ['slow', 'unreachable'],
      ['stale', 'stale'],
    ]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect((await runCommand(run, { profiles: 'ok,sick,stale' }, { configDir: dir })).code).toBe(EXIT.STALE);
    expect((await runCommand(run, { profiles: 'ok,sick' }, { configDir: dir })).code).toBe(EXIT.UNHEALTHY);
    expect((await runCommand(run, { profiles: 'ok,old' }, { configDir: dir })).code).toBe(EXIT.OK);
  });

  it('--json: an object keyed by profile, with the HealthStatus or the error', async () => {
    const r = await runCommand(
      run,
      { profiles: 'sick,old,down', json: true },
      { configDir: dir, flags: { requestTimeout: '1' } },
    );
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['sick', 'old', 'down']);
    expect(j.sick).toMatchObject({
      host: sick.url,
      verdict: 'unhealthy',
      reason: 'runner Unhealthy',
      exit_code: 2,
      statuses: { api: 'Healthy', compiler: 'Healthy', runner: 'Unhealthy' },
      legacy: false,
      error: null,
      health: { all_healthy: false, runner: { healthy: false } },
    });
    expect(j.sick.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    // the old server's answer as it sent it: compiler and runner only
    expect(j.old).toMatchObject({
      verdict: 'healthy',
      exit_code: 0,
      legacy: true,
      health: { runner: { healthy: true }, compiler: { healthy: true } },
    });
    expect(Object.keys(j.old.health)).toEqual(['runner', 'compiler']);
    expect(j.down).toMatchObject({
      host: down,
      verdict: 'unreachable',
      exit_code: 1,
      since: null,
      statuses: null,
      health: null,
      error: { kind: 'unreachable' },
    });
    expect(r.code).toBe(EXIT.FAILURE);
  });

  it('terminal: a table with a row per profile, the error spanning the status columns', async () => {
    const r = await runCommand(run, { profiles: 'ok,stale,down' }, { configDir: dir, tty: true, columns: 160 });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROFILE +HOST +VERDICT +SINCE +API +COMPILER +RUNNER +CHECKED +NOTE$/);
    expect(lines[1]).toMatch(
      /^ok +http:\/\/127\.0\.0\.1:\d+ +✓ healthy +\S+( \S+)? ago +✓ +✓ +✓ +(just now|\d+[sm]( \d+s)? ago)$/,
    );
    expect(lines[2]).toMatch(
      /^stale +\S+ +! stale +1h 5\dm ago +✓ +✓ +✓ +1h 5\dm ago +no check for 1h 5\dm \(limit 45m\): health unknown$/,
    );
    expect(lines[3]).toMatch(/^down +\S+ +\? unreachable +- +- +- +- +- +cannot reach .*: connection refused$/);
    const narrow = await runCommand(run, { profiles: 'down' }, { configDir: dir, tty: true, columns: 105 });
    const [table, notes] = narrow.out.split('\n\n');
    expect(table).toMatch(/cannot reach.*…/);
    for (const l of table!.split('\n')) expect([...l].length).toBeLessThanOrEqual(105);
    expect(notes).toMatch(/^down: cannot reach .*: connection refused\n$/);
    // too narrow for a useful NOTE column: it is dropped, every note is written in full under the table
    const tiny = await runCommand(run, { profiles: 'ok,stale,down' }, { configDir: dir, tty: true, columns: 70 });
    const [t2, n2] = tiny.out.split('\n\n');
    expect(t2).toMatch(/^PROFILE +VERDICT +SINCE +API +COMPILER +RUNNER +CHECKED( +NOTE)?\n/);
    for (const l of t2!.split('\n')) expect([...l].length).toBeLessThanOrEqual(70);
    expect(n2).toMatch(/down: cannot reach .*: connection refused\n$/);
  });

  it('each row uses its own profile: --host is refused, FELDERA_HOST and FELDERA_API_KEY are ignored', async () => {
    const refused = await runCommand(run, { allProfiles: true }, { configDir: dir, host: ok.url });
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.error?.message).toMatch(/^--host cannot be combined with --all-profiles or -p/);
    const r = await runCommand(
      run,
      { profiles: 'sick' },
      {
        configDir: dir,
        env: { FELDERA_HOST: ok.url, FELDERA_API_KEY: 'apikey:leak', CLUSTER_PROFILE: 'ok' },
        flags: { verbose: true },
      },
    );
    expect(rows(r.out)[0]!.slice(0, 3)).toEqual(['sick', sick.url, 'unhealthy']);
    expect(r.err).toMatch(/ignoring FELDERA_HOST, FELDERA_API_KEY, CLUSTER_PROFILE for the fleet/);
    expect(r.err).not.toContain('apikey:leak');
  });

  it('unknown names: exit 1 (as for --profile) listing the known ones; no profiles stored: exit 1', async () => {
    const r = await runCommand(run, { profiles: 'ok,prod' }, { configDir: dir });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.error?.message).toBe('unknown profile: prod');
    expect(r.error?.hint).toBe('known profiles: down, ok, old, sick, slow, stale');
    const none = await runCommand(run, { allProfiles: true }, { configDir: configWith({}) });
    expect(none.code).toBe(EXIT.FAILURE);
    expect(none.error?.message).toMatch(/no profiles are stored/);
  });
});
