/**
 * `cluster exporter` in-process: its real HTTP server on 127.0.0.1, reading simulators over HTTP on
 * a manual clock, scraped with plain GETs. Cached reads, several profiles, an unreachable or hung
 * profile beside healthy ones, stale data, starting services, the credential, shutdown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdExporter } from '../../src/commands/exporter.js';
import { createReadCache } from '../../src/exporter/cache.js';
import type { ManualClock } from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import { invoke } from '../helpers/command.js';
import { samples, startExporter, value } from '../helpers/exporter.js';
import { bufferIO } from '../helpers/io.js';
import { closedPort, configWith, HOUR, MIN, SEC, type Sim, sim, slowServer } from '../helpers/sim.js';

/** Now from the simulator's clock; sleeps end only when aborted (time moves when the test says). */
function heldClock(c: ManualClock): Clock {
  return {
    now: () => Math.floor(c.now()),
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
  };
}

describe('exporter', () => {
  let ok: Sim;
  let sick: Sim;
  let stale: Sim;
  let starting: Sim;
  let slow: Awaited<ReturnType<typeof slowServer>>;
  let down: string;
  let dir: string;

  beforeAll(async () => {
    [ok, sick, stale, starting, slow] = await Promise.all([
      sim({ scenario: 'healthy', history: 2 * HOUR }),
      sim({ scenario: 'compiler-outage', history: 10 * MIN }), // the compiler went down 5 minutes ago
      sim({ scenario: 'stalled', history: 2 * HOUR }),
      sim({ scenario: 'startup', history: 30 * SEC }),
      slowServer(10_000),
    ]);
    down = `http://127.0.0.1:${await closedPort()}`;
    dir = configWith({ ok: ok.url, sick: sick.url, stale: stale.url, starting: starting.url, slow: slow.url, down });
  });
  afterAll(() => Promise.all([ok, sick, stale, starting].map((s) => s.close()).concat(slow.close())));

  it('serves the metrics of the current connection; reads Feldera at most once per --min-interval', async () => {
    let requests = 0;
    const count = () => void requests++;
    ok.server.on('request', count);
    try {
      const e = await startExporter({ host: ok.url }, { clock: heldClock(ok.clock) });
      const first = await e.scrape();
      expect(first.status).toBe(200);
      expect(first.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const labels = { profile: 'default', host: ok.url };
      expect(value(first.text, 'feldera_cluster_up', labels)).toBe(1);
      expect(value(first.text, 'feldera_cluster_healthy', labels)).toBe(1);
      expect(value(first.text, 'feldera_cluster_stale', labels)).toBe(0);
      for (const service of ['api', 'compiler', 'runner']) {
        expect(value(first.text, 'feldera_cluster_service_healthy', { ...labels, service })).toBe(1);
        expect(value(first.text, 'feldera_cluster_service_status', { ...labels, service, status: 'Healthy' })).toBe(1);
        expect(value(first.text, 'feldera_cluster_service_status', { ...labels, service, status: 'Unhealthy' })).toBe(
          0,
        );
        expect(
          value(first.text, 'feldera_cluster_service_status', { ...labels, service, status: 'InitialUnhealthy' }),
        ).toBe(0);
      }
      const health = ok.model.health()!;
      expect(value(first.text, 'feldera_cluster_last_check_timestamp_seconds', labels)).toBe(
        Date.parse(health.compiler.checked_at) / 1000,
      );
      expect(value(first.text, 'feldera_cluster_check_age_seconds', labels)).toBe(
        (ok.clock.now() - Date.parse(health.compiler.checked_at)) / 1000,
      );
      expect(
        value(first.text, 'feldera_cluster_service_unchanged_since_timestamp_seconds', {
          ...labels,
          service: 'runner',
        }),
      ).toBe(Date.parse(health.runner.unchanged_since) / 1000);
      expect(value(first.text, 'feldera_cluster_scrape_duration_seconds', labels)).toBeGreaterThanOrEqual(0);
      expect(first.text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(first.text).toMatch(/^process_resident_memory_bytes /m);
      // cluster_healthz, the latest event's statuses, and (once a day, remembered in state.json) its version
      expect(requests).toBe(3);

      // Within the interval: the cached answer, however many scrapes (and at once).
      ok.clock.advance(9 * SEC);
      const again = await Promise.all([e.scrape(), e.scrape(), e.scrape(), e.scrape()]);
      expect(requests).toBe(3);
      // The age grows with the time since the read, even from the cache.
      expect(value(again[0]!.text, 'feldera_cluster_check_age_seconds', labels)).toBe(
        value(first.text, 'feldera_cluster_check_age_seconds', labels)! + 9,
      );
      // After it: one new read, shared by the scrapes that arrive together.
      ok.clock.advance(1 * SEC);
      await Promise.all([e.scrape(), e.scrape(), e.scrape()]);
      expect(requests).toBe(5); // the version is remembered: two requests
      expect(await e.stop()).toBe(0);
      expect(e.io.err()).toMatch(
        /^Exporting cluster health of default on http:\/\/127\.0\.0\.1:\d+\/metrics; each instance is read at most every 10s\./,
      );
      expect(e.io.err()).toMatch(/Z default: healthy\n/);
    } finally {
      ok.server.off('request', count);
    }
  });

  it('several profiles at once: an unreachable and a hung one give feldera_cluster_up 0, the rest still serve', async () => {
    const e = await startExporter(
      { profiles: 'ok,sick,down,slow', requestTimeout: '1' },
      { configDir: dir, clock: heldClock(ok.clock) },
    );
    const { text, status } = await e.scrape();
    expect(status).toBe(200);
    expect(value(text, 'feldera_cluster_up', { profile: 'ok', host: ok.url })).toBe(1);
    expect(value(text, 'feldera_cluster_up', { profile: 'sick', host: sick.url })).toBe(1);
    expect(value(text, 'feldera_cluster_up', { profile: 'down', host: down })).toBe(0);
    expect(value(text, 'feldera_cluster_up', { profile: 'slow', host: slow.url })).toBe(0);
    // No value outlives its answer: nothing but up, the verdict and the read's duration for the failed rows.
    expect([
      ...new Set([...samples(text).keys()].filter((k) => k.includes('profile="down"')).map((k) => k.split('{')[0])),
    ]).toEqual(['feldera_cluster_up', 'feldera_cluster_verdict', 'feldera_cluster_scrape_duration_seconds']);
    expect(value(text, 'feldera_cluster_verdict', { profile: 'down', host: down, verdict: 'unreachable' })).toBe(1);
    expect(value(text, 'feldera_cluster_verdict', { profile: 'sick', host: sick.url, verdict: 'unhealthy' })).toBe(1);
    expect(value(text, 'feldera_cluster_verdict', { profile: 'ok', host: ok.url, verdict: 'healthy' })).toBe(1);
    expect(value(text, 'feldera_cluster_healthy', { profile: 'ok' })).toBe(1);
    expect(value(text, 'feldera_cluster_healthy', { profile: 'sick' })).toBe(0);
    expect(value(text, 'feldera_cluster_service_healthy', { profile: 'sick', service: 'compiler' })).toBe(0);
    expect(value(text, 'feldera_cluster_service_healthy', { profile: 'sick', service: 'runner' })).toBe(1);
    expect(
      value(text, 'feldera_cluster_service_status', { profile: 'sick', service: 'compiler', status: 'Unhealthy' }),
    ).toBe(1);
    expect(
      value(text, 'feldera_cluster_service_status', { profile: 'sick', service: 'compiler', status: 'Healthy' }),
    ).toBe(0);
    expect(await e.stop()).toBe(0);
    // Changes are logged once each, failures as warnings.
    expect(e.io.err()).toMatch(/warning: \S+Z down: unreachable: cannot reach .*connection refused/);
    expect(e.io.err()).toMatch(/warning: \S+Z slow: unreachable: no answer from .* within the request timeout/);
    expect(e.io.err()).toMatch(/Z sick: unhealthy: compiler Unhealthy\n/);
  });

  it('stale data: feldera_cluster_stale 1 and healthy 0, services still healthy; --all-profiles covers every stored profile', async () => {
    const e = await startExporter(
      { allProfiles: true, requestTimeout: '0.5' },
      { configDir: dir, clock: heldClock(ok.clock) },
    );
    const { text } = await e.scrape();
    expect(value(text, 'feldera_cluster_stale', { profile: 'stale' })).toBe(1);
    expect(value(text, 'feldera_cluster_healthy', { profile: 'stale' })).toBe(0);
    expect(value(text, 'feldera_cluster_service_healthy', { profile: 'stale', service: 'runner' })).toBe(1);
    expect(value(text, 'feldera_cluster_check_age_seconds', { profile: 'stale' })).toBeGreaterThan(12 * 60);
    expect([
      ...new Set(
        [...samples(text).keys()]
          .filter((k) => k.startsWith('feldera_cluster_up{'))
          .map((k) => /profile="(\w+)"/.exec(k)![1]),
      ),
    ]).toEqual(['down', 'ok', 'sick', 'slow', 'stale', 'starting']);
    // Services still starting: InitialUnhealthy, not Unhealthy.
    const starting = [...samples(text)]
      .filter(
        ([k, v]) => k.startsWith('feldera_cluster_service_status{') && k.includes('profile="starting"') && v === 1,
      )
      .map(([k]) => /service="(\w+)",status="(\w+)"/.exec(k)!.slice(1).join('='));
    expect(starting).toContain('compiler=InitialUnhealthy');
    expect(starting.some((s) => s.endsWith('=Unhealthy'))).toBe(false);
    await e.stop();
  });

  it("--host elsewhere than the current profile: labelled default, not with that profile's name", async () => {
    const e = await startExporter(
      { host: ok.url },
      { configDir: configWith({ sick: sick.url }, 'sick'), clock: heldClock(ok.clock) },
    );
    const { text } = await e.scrape();
    expect(value(text, 'feldera_cluster_up', { profile: 'default', host: ok.url })).toBe(1);
    expect(text).not.toContain('profile="sick"');
    await e.stop();
  });

  it('a stale profile is logged once, not on every read as its age grows', async () => {
    const e = await startExporter({ host: stale.url }, { clock: heldClock(stale.clock) });
    for (let i = 0; i < 3; i++) {
      expect(value((await e.scrape()).text, 'feldera_cluster_stale', { host: stale.url })).toBe(1);
      stale.clock.advance(10 * SEC);
    }
    await e.stop();
    expect(e.io.err().match(/Z default: stale: no check for /g)).toHaveLength(1);
  });

  it('its own /healthz, an index, 404 and 405; the credential appears nowhere', async () => {
    const key = 'apikey:exporter-secret-0123456789';
    const secured = await sim({ scenario: 'healthy', apiKey: key, history: HOUR });
    try {
      const cfg = mkdtempSync(join(tmpdir(), 'cluster-exporter-'));
      const profiles = {
        prod: { host: secured.url, auth: { kind: 'apikey', apiKey: key } },
        wrong: { host: secured.url, auth: { kind: 'apikey', apiKey: `${key}-wrong` } },
      };
      writeFileSync(join(cfg, 'config.json'), JSON.stringify({ current: 'prod', profiles }), { mode: 0o600 });
      const e = await startExporter({ profiles: 'prod,wrong', verbose: true }, { configDir: cfg });
      const m = await e.scrape();
      expect(value(m.text, 'feldera_cluster_up', { profile: 'prod' }), e.io.err()).toBe(1);
      expect(value(m.text, 'feldera_cluster_up', { profile: 'wrong' })).toBe(0);
      expect(await e.scrape('/healthz')).toEqual({ status: 200, text: 'ok\n', type: 'text/plain; charset=utf-8' });
      expect((await e.scrape('/')).text).toMatch(/\/probe\?target=NAME/);
      expect((await e.scrape('/nothing')).status).toBe(404);
      expect((await fetch(e.url, { method: 'POST' })).status).toBe(405);
      expect(await e.stop()).toBe(0);
      for (const text of [m.text, e.io.out(), e.io.err()]) expect(text).not.toContain('exporter-secret');
      expect(e.io.err()).toMatch(/warning: \S+Z wrong: unreachable: not authorised/);
    } finally {
      await secured.close();
    }
  });

  it('refuses what would point every row at one place, and an address it cannot listen on', async () => {
    const refused = await invoke(newCmdExporter, ['--all-profiles', '--host', ok.url], {
      io: bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } }),
    });
    expect(refused.code).toBe(64);
    expect(refused.err).toMatch(/--host cannot be combined with --all-profiles or -p/);
    const held = await startExporter({ host: ok.url });
    const port = new URL(held.url).port;
    const busy = await invoke(newCmdExporter, ['--host', ok.url, '--listen', `127.0.0.1:${port}`], {
      io: bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } }),
    });
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(
      new RegExp(`error: 127\\.0\\.0\\.1:${port} is already in use\\nhint: choose another address with --listen`),
    );
    await held.stop();
  });
});

describe('createReadCache', () => {
  it('one read per instance per interval, counted from the answer; scrapes during a read share it; a failed read is not cached', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    let release: () => void = () => {};
    const read = () =>
      new Promise<number>((resolve, reject) => {
        reads++;
        release = () => (fail ? reject(new Error('boom')) : resolve(reads));
      });
    const cache = createReadCache<number>(10_000, { now: () => now });
    const a = cache.get('x', read);
    const b = cache.get('x', read);
    now += 300;
    release();
    expect(await a).toEqual({ value: 1, startedAt: 0, answeredAt: 300, durationMs: 300, generation: 1 });
    expect(await b).toBe(await a);
    // The interval counts from the answer (300), not the start (0).
    now = 10_299;
    expect((await cache.get('x', read)).generation).toBe(1);
    now = 10_300;
    const c = cache.get('x', read);
    release();
    expect(await c).toMatchObject({ value: 2, startedAt: 10_300, generation: 2 });
    now = 30_000;
    fail = true;
    const d = cache.get('x', read);
    release();
    await expect(d).rejects.toThrow('boom');
    fail = false;
    const e = cache.get('x', read);
    release();
    expect(await e).toMatchObject({ value: 4, generation: 3 });
    expect(reads).toBe(4);
  });

  it('a read slower than the interval is not followed by another on every scrape: one in flight per instance', async () => {
    let now = 0;
    const started: string[] = [];
    const pending = new Map<string, () => void>();
    const read = (key: string) => () =>
      new Promise<string>((resolve) => {
        started.push(key);
        pending.set(key, () => resolve(key));
      });
    const cache = createReadCache<string>(1_000, { now: () => now });
    const first = cache.get('slow', read('slow'));
    // Scrapes keep coming for 30 s while the read hangs: none starts another read of that instance.
    for (let t = 0; t < 30; t++) {
      now += 1_000;
      void cache.get('slow', read('slow'));
    }
    // Another instance is read on its own.
    const other = cache.get('fast', read('fast'));
    pending.get('fast')!();
    expect((await other).value).toBe('fast');
    expect(started).toEqual(['slow', 'fast']);
    pending.get('slow')!();
    expect(await first).toMatchObject({ value: 'slow', answeredAt: 30_000, durationMs: 30_000 });
    expect((await cache.get('slow', read('slow'))).generation).toBe(1); // fresh: counted from the answer
    expect(started).toEqual(['slow', 'fast']);
  });
});
