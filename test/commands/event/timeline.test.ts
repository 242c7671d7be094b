import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEventStatus } from '../../../src/api/types.js';
import { newCmdIncidents as incidents } from '../../../src/commands/event/incidents.js';
import { newCmdTimeline as run } from '../../../src/commands/event/timeline.js';
import type { timelineJson } from '../../../src/domain/timeline.js';
import { EXIT } from '../../../src/errors.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { closedPort, getJson, HOUR, MIN, runCommand, type Sim, sim } from '../../helpers/sim.js';

type TJ = ReturnType<typeof timelineJson>;

async function json(url: string, opts: Record<string, unknown> = {}): Promise<TJ> {
  // a config dir of its own: no healthy period stored by another test for a host on the same port
  const r = await runCommand(run, { json: true, ...opts }, { host: url, configDir: tempConfigDir() });
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as TJ;
}

describe('event timeline: compiler-outage, 72 h', () => {
  let s: Sim;
  beforeAll(async () => {
    s = await sim({ scenario: 'compiler-outage', history: 72 * HOUR });
  });
  afterAll(() => s.close());

  it('--json: the window is the retained history; the outage costs the compiler about 20 minutes', async () => {
    const t = await json(s.url, { width: '110' });
    const all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
    expect(Date.parse(t.end)).toBe(Math.floor(s.clock.now() / 1000) * 1000);
    expect(Date.parse(t.start)).toBeGreaterThanOrEqual(Date.parse(t.end) - 72 * HOUR);
    expect(Date.parse(t.start)).toBeLessThanOrEqual(Date.parse(all.at(-1)!.recorded_at));
    const [api, compiler, runner] = t.services;
    expect(api).toMatchObject({
      service: 'api',
      availability_percent: 100,
      unknown_seconds: 0,
      unhealthy_seconds: 0,
      incidents: 0,
    });
    expect(runner).toMatchObject({ availability_percent: 100, incidents: 0 });
    expect(compiler!.incidents).toBe(1);
    expect(compiler!.unhealthy_seconds).toBeGreaterThan(19 * 60);
    expect(compiler!.unhealthy_seconds).toBeLessThan(21 * 60);
    const total = (Date.parse(t.end) - Date.parse(t.start)) / 1000;
    expect(compiler!.availability_percent).toBeCloseTo((100 * (total - compiler!.unhealthy_seconds)) / total, 6);
    expect(compiler!.slices).toHaveLength(100);
    expect(compiler!.slices[0]).toBe('Unhealthy'); // the outage is 5 minutes into the window
    expect(compiler!.slices.filter((c) => c !== 'Healthy')).toHaveLength(1);
    // ... and lasts 20 of the slice's 43 minutes: the slice says how much of it
    const sliceS = t.slice_seconds;
    expect(compiler!.slice_shares[0]).toBeCloseTo(compiler!.unhealthy_seconds / sliceS, 2);
    expect(compiler!.slice_shares.slice(1).every((x) => x === 1)).toBe(true);
    expect(api!.slice_shares.every((x) => x === 1)).toBe(true);
    expect(t.events).toBe(all.length);
  });

  it('without colour: a shape per status, a legend, a time axis with labels, the availability table', async () => {
    const r = await runCommand(run, { width: '90', utc: true }, { host: s.url, tty: true });
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(
      /^Timeline {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ → \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}\(3d, 54m per cell, \d+ events\)$/,
    );
    expect(lines[2]).toMatch(/^api {7}▁{80}$/);
    // 20 minutes down in a 54-minute cell: unhealthy in part, not a solid block
    expect(lines[3]).toMatch(/^compiler {2}▄▁{79}$/);
    expect(lines[4]).toMatch(/^runner {4}▁{80}$/);
    expect(lines[5]).toMatch(/^ {10}[ |]+$/);
    expect(lines[6]).toMatch(/^ {10} *(\d\d-\d\d|\d\d:\d\d)( +(\d\d-\d\d|\d\d:\d\d))+$/);
    expect(r.out).toContain('▁ healthy   █ unhealthy (▄ in part)   ▒ starting (░ in part)   · unknown\n');
    expect(r.out).toMatch(
      /SERVICE +AVAILABILITY +UNHEALTHY +UNKNOWN +INCIDENTS\napi +100% +0s +0s +0\ncompiler +99\.\d\d% +(19|20)m \d+s +0s +1\n/,
    );
    expect(r.out).not.toMatch(/\u001b/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(90);
  });

  it('with colour: the same shapes, coloured, one escape sequence per run', async () => {
    const r = await runCommand(run, { width: '50' }, { host: s.url, tty: true, color: true });
    const compiler = r.out.split('\n').find((l) => l.startsWith('compiler'))!;
    expect(compiler).toBe(`compiler  \u001b[31m▄\u001b[39m\u001b[32m${'▁'.repeat(39)}\u001b[39m`);
    const plain = await runCommand(run, { width: '50' }, { host: s.url, tty: true });
    expect(plain.out.split('\n').find((l) => l.startsWith('compiler'))).toBe(compiler.replace(/\u001b\[\d+m/g, ''));
  });

  it('the terminal width is used when --width is not given', async () => {
    const r = await runCommand(run, {}, { host: s.url, tty: true, columns: 70 });
    const lines = r.out.split('\n');
    expect(lines.find((l) => l.startsWith('api'))).toMatch(/^api {7}▁{60}$/);
    // the heading's details and the legend are folded to fit too (the whole picture fits the terminal)
    expect(lines[0]).toMatch(/^Timeline {2}\S+ \S+ → \S+ \S+$/);
    expect(lines[1]).toMatch(/^ {10}\(3d, [0-9hm ]+ per cell, \d+ events\)$/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(70);
  });

  it('an 80-column terminal: the legend stays on one line, nothing is wider than 80', async () => {
    const r = await runCommand(run, {}, { host: s.url, tty: true, columns: 80 });
    expect(r.out).toContain('\n▁ healthy   █ unhealthy (▄ in part)   ▒ starting (░ in part)   · unknown\n');
    for (const l of r.out.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it('--since narrows the window; before the first retained event is unknown', async () => {
    const t = await json(s.url, { since: '2h', width: '34' });
    expect(Date.parse(t.end) - Date.parse(t.start)).toBe(2 * HOUR);
    expect(t.services.every((x) => x.availability_percent === 100 && x.incidents === 0)).toBe(true);
    const wide = await json(s.url, { since: '100h', width: '35' });
    expect(wide.services[0]!.unknown_seconds).toBeGreaterThanOrEqual(28 * 3600 - 1);
    expect(wide.services[0]!.slices.slice(0, 7).every((c) => c === 'Unknown')).toBe(true);
    expect(wide.services[0]!.availability_percent).toBe(100); // unknown is not counted, either way
  });
});

describe('event timeline: other scenarios', () => {
  it('stalled: after the last event plus --stale-after everything is unknown, not healthy', async () => {
    const s = await sim({ scenario: 'stalled', history: 3 * HOUR });
    try {
      const t = await json(s.url, { width: '46' });
      const span = (Date.parse(t.end) - Date.parse(t.start)) / 1000;
      for (const x of t.services) {
        expect(x.availability_percent).toBe(100);
        expect(x.unhealthy_seconds).toBe(0);
        // the default limit (no period to learn from two events): 45 min after the last event
        expect(x.healthy_seconds).toBeGreaterThan(45 * 60);
        expect(x.healthy_seconds).toBeLessThan(49 * 60);
        expect(x.unknown_seconds).toBeCloseTo(span - x.healthy_seconds, 3);
        expect(x.slices.at(-1)).toBe('Unknown');
      }
      const loose = await json(s.url, { staleAfter: '4h', width: '46' });
      expect(loose.services[0]!.unknown_seconds).toBe(0);
      const r = await runCommand(run, { width: '46' }, { host: s.url, tty: true });
      expect(r.out).toMatch(/\napi {7}▁+·{25,}\n/);
    } finally {
      await s.close();
    }
  });

  it('flapping: runner availability about 50 %, incident count the same as `event incidents`', async () => {
    const s = await sim({ scenario: 'flapping', history: 6 * HOUR });
    try {
      const t = await json(s.url, { width: '130' });
      const runner = t.services[2]!;
      const inc = JSON.parse(
        (await runCommand(incidents, { json: true, service: 'runner' }, { host: s.url })).out,
      ) as unknown[];
      expect(runner.incidents).toBe(inc.length);
      expect(runner.availability_percent!).toBeGreaterThan(40);
      expect(runner.availability_percent!).toBeLessThan(60);
      expect(runner.unknown_seconds).toBe(0);
      expect(t.services[0]!.availability_percent).toBe(100);
    } finally {
      await s.close();
    }
  });

  it('retention: the window starts at the oldest of the 1000 retained events', async () => {
    const s = await sim({ scenario: 'retention' });
    try {
      const all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
      const t = await json(s.url, { width: '90' });
      expect(Date.parse(t.start)).toBe(Date.parse(all.at(-1)!.recorded_at));
      expect(t.events).toBe(1000);
      expect(t.services[2]!.unknown_seconds).toBe(0);
      expect(t.services[2]!.incidents).toBeGreaterThan(100);
    } finally {
      await s.close();
    }
  });

  it('no events at all: says so; --json still gives the (unknown) window', async () => {
    const s = await sim({ history: 0 });
    try {
      const r = await runCommand(run, {}, { host: s.url, tty: true });
      expect(r).toMatchObject({ code: 0, out: '' });
      expect(r.err).toMatch(/^no cluster monitor events recorded yet/);
      const t = await json(s.url, { width: '30' });
      expect(t.services[0]!.availability_percent).toBeNull();
      expect(t.services[0]!.slices).toEqual(new Array(20).fill('Unknown'));
    } finally {
      await s.close();
    }
  });

  it('usage errors: exit 64 before any request', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    for (const [opts, msg] of [
      [{ since: 'monday' }, /^invalid --since "monday"/],
      [{ width: '5' }, /^invalid --width "5": expected a whole number of columns from 20 to 2000$/],
      [{ width: 'wide' }, /^invalid --width "wide"/],
      [{ staleAfter: '0' }, /^invalid --stale-after "0"/],
    ] as const) {
      const r = await runCommand(run, opts, { host: dead });
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.error?.message).toMatch(msg);
    }
    const future = await sim({ history: HOUR });
    try {
      const r = await runCommand(
        run,
        { since: new Date(future.clock.now() + MIN).toISOString() },
        { host: future.url },
      );
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.error?.message).toMatch(/is not in the past/);
    } finally {
      await future.close();
    }
  });
});
