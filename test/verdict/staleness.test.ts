/**
 * Staleness that fits the instance: against the simulator, a cluster whose checks are slow (a
 * healthy event every ~13 minutes, `slow-checks`) is never called stale by any command — where a
 * fixed 12-minute limit would cry wolf every cycle — while a recorder that stops is still caught
 * within 2.25 of the instance's healthy periods; and one failed insert (a gap of two periods) is
 * never called stale by anyone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdTimeline } from '../../src/commands/event/timeline.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { EXIT } from '../../src/errors.js';
import { parseScenario } from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import { tempConfigDir } from '../helpers/cli.js';
import { argvOf, invoke } from '../helpers/command.js';
import { bufferIO } from '../helpers/io.js';
import { configWith, HOUR, MIN, rows, runCommand, SEC, type Sim, sim } from '../helpers/sim.js';
import { virtualClock } from '../watch/support.js';

/** Age of the newest event by the simulated clock. */
const latestAge = (s: Sim) => s.clock.now() - s.model.latest()!.recordedAtUs / 1000;

/** status and `event get latest --exit-status` with the given config dir: both exit codes. */
async function singleRequest(
  s: Sim,
  configDir: string,
  flags: Record<string, unknown> = {},
): Promise<[number, number]> {
  const st = await runCommand(newCmdStatus, flags, { host: s.url, configDir });
  const get = await invoke(
    newCmdGet,
    ['latest', ...argvOf({ exitStatus: true, host: s.url, retries: '0', ...flags })],
    { io: bufferIO({ env: { CLUSTER_CONFIG_DIR: configDir } }) },
  );
  return [st.code, get.code];
}

describe('slow-checks: a healthy period of ~13 minutes', () => {
  let s0: Sim;
  beforeAll(async () => {
    s0 = await sim({ scenario: 'slow-checks', history: 6 * HOUR });
  });
  afterAll(() => s0.close());

  it('status and event get latest --exit-status: never stale over two periods, before and after the period is learned; a fixed 12m would be', async () => {
    const s = await sim({ scenario: 'slow-checks', history: 6 * HOUR });
    try {
      const fresh = tempConfigDir();
      const learned = tempConfigDir();
      const list = await runCommand(newCmdList, {}, { host: s.url, configDir: learned, flags: { verbose: true } });
      expect(list.err).toMatch(
        /stale after 29m 1\ds, 2\.25 × this instance's healthy period of 13m( \ds)? \(learned from \d+ gaps in its retained history\)/,
      );
      let worst = 0;
      let crying = 0;
      for (let minute = 0; minute < 27; minute++) {
        s.clock.advance(MIN);
        worst = Math.max(worst, latestAge(s));
        expect(await singleRequest(s, fresh), `default limit, minute ${minute}`).toEqual([EXIT.OK, EXIT.OK]);
        expect(await singleRequest(s, learned), `learned limit, minute ${minute}`).toEqual([EXIT.OK, EXIT.OK]);
        if (latestAge(s) > 12 * MIN) {
          crying++;
          expect(await singleRequest(s, fresh, { staleAfter: '12m' })).toEqual([EXIT.STALE, EXIT.STALE]);
        }
      }
      expect(worst).toBeGreaterThan(12.5 * MIN); // the old limit was passed …
      expect(crying).toBeGreaterThanOrEqual(2); // … in every one of the two cycles
    } finally {
      await s.close();
    }
  });

  it('single-request commands say which limit they used: the stored period, else the default', async () => {
    const s = await sim({ scenario: 'slow-checks', history: 6 * HOUR });
    try {
      const dir = tempConfigDir();
      const before = await runCommand(newCmdStatus, {}, { host: s.url, configDir: dir, flags: { verbose: true } });
      expect(before.err).toMatch(/stale after 45m, the default until a command that reads the history/);
      await runCommand(newCmdList, {}, { host: s.url, configDir: dir });
      const after = await runCommand(newCmdStatus, {}, { host: s.url, configDir: dir, flags: { verbose: true } });
      expect(after.err).toMatch(
        /stale after 29m 1\ds, 2\.25 × this instance's healthy period of 13m( \ds)? \(learned just now from its history\)/,
      );
      // another host: not this instance's period
      const other = await sim({ scenario: 'healthy', history: HOUR });
      try {
        const o = await runCommand(newCmdStatus, {}, { host: other.url, configDir: dir, flags: { verbose: true } });
        expect(o.err).toMatch(/stale after 45m, the default/);
      } finally {
        await other.close();
      }
    } finally {
      await s.close();
    }
  });

  it("stored per profile: the fleet view judges each row by its own profile's period", async () => {
    const other = await sim({ scenario: 'healthy', history: HOUR });
    try {
      const dir = configWith({ slow: s0.url, quiet: other.url });
      await runCommand(newCmdList, {}, { configDir: dir, flags: { profile: 'slow' } });
      expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).healthy_periods['profile:slow']).toMatchObject({
        host: s0.url,
        samples: expect.any(Number),
      });
      const r = await runCommand(newCmdStatus, { allProfiles: true }, { configDir: dir, flags: { verbose: true } });
      expect(r.code).toBe(EXIT.OK);
      expect(r.err).toMatch(/\[slow\] stale after 29m 1\ds, 2\.25 × this instance's healthy period of 13m/);
      expect(r.err).toMatch(/\[quiet\] stale after 45m, the default/);
    } finally {
      await other.close();
    }
  });

  it('event list and timeline: no stale verdict, no warning, no unknown time, at the oldest moment of a period', async () => {
    const s = await sim({ scenario: 'slow-checks', history: 6 * HOUR });
    try {
      while (latestAge(s) < 12.5 * MIN) s.clock.advance(30 * SEC);
      const dir = tempConfigDir();
      const list = await runCommand(newCmdList, {}, { host: s.url, configDir: dir });
      expect(list.err).toBe('');
      expect(rows(list.out).every((r) => r[2] === 'healthy')).toBe(true);
      const t = JSON.parse(
        (await runCommand(newCmdTimeline, { json: true, width: '100' }, { host: s.url, configDir: dir })).out,
      );
      expect(t.stale_after_source).toBe('learned');
      for (const svc of t.services) {
        expect(svc.unknown_seconds).toBe(0);
        expect(svc.availability_percent).toBe(100);
      }
      // a fixed 12m draws gaps the instance never had
      const fixed = JSON.parse(
        (
          await runCommand(
            newCmdTimeline,
            { json: true, width: '100', staleAfter: '12m' },
            { host: s.url, configDir: dir },
          )
        ).out,
      );
      expect(fixed.services[0].unknown_seconds).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('watch: 40 minutes of polls, no stale line and no stale warning', async () => {
    const s = await sim({ scenario: 'slow-checks', history: 6 * HOUR });
    try {
      const vclock = virtualClock(s.clock);
      const ctl = new AbortController();
      let sleeps = 0;
      const clock: Clock = {
        now: vclock.now,
        sleep: (ms, signal) => {
          if (++sleeps > 40) ctl.abort('SIGINT');
          return vclock.sleep(ms, signal);
        },
      };
      const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
      const r = await invoke(newCmdWatch, argvOf({ host: s.url, interval: '1m', since: '2h', retries: '0' }), {
        io,
        clock,
        signal: ctl.signal,
      });
      expect(r.code).toBe(130);
      const lines = io.out().trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      for (const l of lines) expect(l).toMatch(/^\S+Z {2}healthy {4}/);
      expect(io.err()).not.toMatch(/stale|stopped recording/);
    } finally {
      await s.close();
    }
  });
});

describe('a recorder that stops on a slow-checks instance', () => {
  // Slow checks as in slow-checks, and the recorder dies after 3 hours.
  const scenario = parseScenario({
    name: 'slow-then-stalled',
    services: {
      api: { steps: [], latency: '1s' },
      compiler: { steps: [], latency: '1s' },
      runner: { steps: [], latency: '1s' },
    },
    recorder: [{ at: '3h', running: false }],
  });

  it('is stale (exit 3) once the newest event is 2.25 learned periods old, not before', async () => {
    const s = await sim({ scenario, history: 3 * HOUR + MIN });
    try {
      const dir = tempConfigDir();
      await runCommand(newCmdList, {}, { host: s.url, configDir: dir }); // learns 13 min: limit 29m 15s
      while (latestAge(s) < 29 * MIN) s.clock.advance(10 * SEC);
      expect(await singleRequest(s, dir)).toEqual([EXIT.OK, EXIT.OK]);
      while (latestAge(s) < 29.25 * MIN + 2 * SEC) s.clock.advance(10 * SEC);
      expect(await singleRequest(s, dir)).toEqual([EXIT.STALE, EXIT.STALE]);
      const st = await runCommand(newCmdStatus, {}, { host: s.url, configDir: dir });
      expect(st.out).toMatch(
        /^verdict: stale\nsince: \S+Z\nreason: no check for 29m [12]\ds \(more than 29m 1\ds, 2\.25 × this instance's healthy period of 13m/,
      );
      const list = await runCommand(newCmdList, { limit: '1' }, { host: s.url, configDir: dir });
      expect(rows(list.out)[0]![2]).toBe('stale');
      expect(list.err).toMatch(
        /^warning: the newest event is 29m [12]\ds old \(more than 29m 1\ds, 2\.25 × this instance's healthy period/,
      );
    } finally {
      await s.close();
    }
  });
});

describe('one failed insert: a gap of two healthy periods is not a stopped recorder', () => {
  // A quiet healthy instance whose insert at 2h fails (a database hiccup): Feldera has already
  // reset its round counter, so the next event comes a whole period later.
  const scenario = parseScenario({ name: 'hiccup', failedInserts: ['2h'] });

  it('status, event get, list, timeline and the fleet: healthy all through the gap, learned limit or default', async () => {
    const s = await sim({ scenario, history: 2 * HOUR - 2 * MIN });
    try {
      const learned = configWith({ prod: s.url });
      await runCommand(newCmdList, {}, { configDir: learned, flags: { profile: 'prod' } }); // learns ~10 min
      const fresh = tempConfigDir();
      let widest = 0;
      for (let minute = 0; minute < 30; minute++) {
        s.clock.advance(MIN);
        widest = Math.max(widest, latestAge(s));
        for (const dir of [learned, fresh]) {
          const st = await runCommand(newCmdStatus, {}, { host: s.url, configDir: dir });
          expect(st.code, `status at minute ${minute}: ${st.out}`).toBe(EXIT.OK);
          expect((await singleRequest(s, dir))[1], `event get at minute ${minute}`).toBe(EXIT.OK);
        }
        const fleet = await runCommand(newCmdStatus, { allProfiles: true }, { configDir: learned });
        expect(fleet.code).toBe(EXIT.OK);
        const list = await runCommand(newCmdList, { limit: '1' }, { host: s.url, configDir: tempConfigDir() });
        expect(rows(list.out)[0]![2], `list at minute ${minute}`).toBe('healthy');
      }
      // The gap was there: two periods (about 20 min), past the old limit of 1.5 periods.
      expect(widest).toBeGreaterThan(19.5 * MIN);
      const log = s.model.log.map((l) => Date.parse(l.event.recorded_at));
      const gaps = log.slice(1).map((t, i) => t - log[i]!);
      expect(Math.max(...gaps)).toBeGreaterThan(1.9 * 10 * MIN);
      const t = JSON.parse((await runCommand(newCmdTimeline, { json: true, width: '100' }, { host: s.url })).out);
      for (const svc of t.services) expect(svc.unknown_seconds).toBe(0);
    } finally {
      await s.close();
    }
  });
});
