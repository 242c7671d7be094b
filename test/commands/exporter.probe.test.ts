/**
 * `cluster exporter`'s `/probe` and `/sd`, in-process against simulators and recording servers on
 * loopback: probing profiles and allowed URLs, the credential smuggling suite (a credential goes
 * only to the host it belongs to; anything not allowed is 400 and no request), the scrape-timeout
 * budget and a fleet of hung instances on an injected clock, and the connection cap under slowloris.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/context.js';
import { startExporterServer } from '../../src/exporter/server.js';
import { checkProfiles } from '../../src/queries/fleet-rows.js';
import type { Clock } from '../../src/util/clock.js';
import { startExporter, value } from '../helpers/exporter.js';
import { bufferIO } from '../helpers/io.js';
import { HOUR, type Sim, sim } from '../helpers/sim.js';

const KEY = 'apikey:probe-secret-0123456789abcdef';

/** A server that records every request (path and Authorization) and answers with `answer`. */
async function recorder(
  host: string,
  answer: (req: IncomingMessage, res: import('node:http').ServerResponse) => void = (_q, res) => {
    res.writeHead(404).end();
  },
): Promise<{ url: string; port: number; seen: { path: string; auth: string | undefined }[]; close(): Promise<void> }> {
  const seen: { path: string; auth: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A clock whose sleeps end only when the test moves it past them. */
function steppedClock(start = Date.UTC(2025, 11, 8, 12)): Clock & { advance(ms: number): void; waiting(): number } {
  let now = start;
  const timers: { at: number; resolve(): void }[] = [];
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = { at: now + ms, resolve };
        timers.push(t);
        signal?.addEventListener(
          'abort',
          () => {
            timers.splice(timers.indexOf(t), 1);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.resolve();
      }
    },
    waiting: () => timers.length,
  };
}

/** Until `cond` holds; the deadline is a safety net only. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; !cond(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
}

function configDir(profiles: Record<string, { host: string; auth: unknown }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-probe-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles }), { mode: 0o600 });
  return dir;
}

describe('exporter /probe', () => {
  let good: Sim;
  let open: Sim;
  let evil: Awaited<ReturnType<typeof recorder>>;
  let evilSamePort: Awaited<ReturnType<typeof recorder>>;
  let redirector: Awaited<ReturnType<typeof recorder>>;
  let dir: string;
  let creds: string;

  beforeAll(async () => {
    [good, open] = await Promise.all([
      sim({ scenario: 'healthy', apiKey: KEY, history: HOUR }),
      sim({ scenario: 'compiler-outage', history: 10 * 60_000 }),
    ]);
    // Another host (127.0.0.2: loopback, another address) and another port on the good host.
    evil = await recorder('127.0.0.2');
    evilSamePort = await recorder('127.0.0.1');
    redirector = await recorder('127.0.0.1', (_req, res) => {
      res.writeHead(302, { location: `${evil.url}/v0/cluster_healthz` }).end();
    });
    dir = configDir({
      prod: { host: good.url, auth: { kind: 'apikey', apiKey: KEY } },
      lab: { host: open.url, auth: { kind: 'none' } },
    });
    creds = join(dir, 'targets.json');
    const targets = [{ match: redirector.url, api_key: KEY }];
    writeFileSync(creds, JSON.stringify({ targets }), { mode: 0o600 });
  });
  afterAll(() => Promise.all([good.close(), open.close(), evil.close(), evilSamePort.close(), redirector.close()]));

  it('?target=PROFILE: that instance only; /metrics with --probe-only: the exporter alone; /sd lists the profiles', async () => {
    const e = await startExporter({ probeOnly: true }, { configDir: dir });
    try {
      const p = await e.scrape('/probe?target=lab');
      expect(p.status).toBe(200);
      expect(value(p.text, 'feldera_cluster_up', { profile: 'lab', host: open.url })).toBe(1);
      expect(value(p.text, 'feldera_cluster_verdict', { profile: 'lab', verdict: 'unhealthy' })).toBe(1);
      expect(p.text).toMatch(
        /^feldera_cluster_info\{profile="lab",host="[^"]+",version="0\.\d+\.\d+",edition="Open source",revision="[0-9a-f]+"\} 1$/m,
      );
      expect(p.text).not.toContain('prod');
      expect(p.text).not.toMatch(/^process_/m);
      const m = await e.scrape('/metrics');
      expect(m.text).not.toMatch(/^feldera_cluster_up/m);
      expect(m.text).toMatch(
        /^feldera_cluster_exporter_build_info\{version="[^"]+",node_version="v\d+\.\d+\.\d+"\} 1$/m,
      );
      expect(m.text).toMatch(/^feldera_cluster_exporter_probes_total\{result="up"\} 1$/m);
      expect(m.text).toMatch(/^process_resident_memory_bytes /m);
      expect(m.text).not.toMatch(/_total gauge/);
      const sd = await e.scrape('/sd');
      expect(sd.type).toBe('application/json');
      expect(JSON.parse(sd.text)).toEqual([
        { targets: ['lab'], labels: { __meta_feldera_profile: 'lab', __meta_feldera_host: open.url } },
        { targets: ['prod'], labels: { __meta_feldera_profile: 'prod', __meta_feldera_host: good.url } },
      ]);
      for (const bad of ['/probe', '/probe?target=lab&target=prod', '/probe?target=nope', '/probe?target=LAB'])
        expect((await e.scrape(bad)).status, bad).toBe(400);
    } finally {
      await e.stop();
    }
  });

  it("a URL that is a profile's host gets that profile's credential; the same cache serves both names", async () => {
    const e = await startExporter({ probeOnly: true, allowTarget: [good.url] }, { configDir: dir });
    try {
      const p = await e.scrape(`/probe?target=${encodeURIComponent(good.url)}`);
      expect(value(p.text, 'feldera_cluster_up', { profile: 'prod', host: good.url })).toBe(1);
      // Case and a default path change nothing: the same host, the same credential.
      const upper = good.url.replace('http://', 'HTTP://');
      const q = await e.scrape(`/probe?target=${encodeURIComponent(`${upper}/`)}`);
      expect(value(q.text, 'feldera_cluster_up', { profile: 'prod', host: good.url })).toBe(1);
    } finally {
      await e.stop();
    }
  });

  it('credential smuggling: what is not allowed is 400 and reaches nobody; a credential goes only to its own host', async () => {
    const goodPort = new URL(good.url).port;
    const e = await startExporter(
      {
        probeOnly: true,
        // The good instance by URL prefix; the redirector by host glob with its port; 127.0.0.2 on any port,
        // but no credential is meant for it.
        allowTarget: [`${good.url}/`, `127.0.0.1:${redirector.port}`, '127.0.0.2:*'],
        targetCredentials: creds,
      },
      { configDir: dir },
    );
    const refused: Record<string, string> = {
      'another host': `http://127.0.0.3:${goodPort}`,
      'another port on the good host': `http://127.0.0.1:${evilSamePort.port}`,
      'userinfo naming the good host': `http://127.0.0.1:${goodPort}@127.0.0.1:${evilSamePort.port}`,
      'userinfo, plain': `http://user:pw@127.0.0.1:${goodPort}`,
      'IDN look-alike (Cyrillic о in localhost)': `http://l\u043ecalhost:${goodPort}`,
      'trailing dot': `http://localhost.:${redirector.port}`,
      'a longer path than the prefix, past a segment': `${good.url}x`,
      backslash: `http:\\\\127.0.0.1:${evilSamePort.port}`,
      'backslash before an @': `${good.url}\\@127.0.0.1:${evilSamePort.port}`,
      query: `${good.url}/?x=1`,
      fragment: `${good.url}/#x`,
      'file scheme': 'file:///etc/passwd',
      'no scheme': `127.0.0.1:${evilSamePort.port}`,
      'decimal address of 127.0.0.1 on another port': `http://2130706433:${evilSamePort.port}`,
      'port 0443 trick on an allowed glob': `http://127.0.0.1:0${evilSamePort.port}`,
      'a control character': `${good.url}/\u0000`,
      'a space': `http://127.0.0.1:${goodPort} @127.0.0.1:${evilSamePort.port}`,
    };
    try {
      for (const [what, target] of Object.entries(refused)) {
        const r = await e.scrape(`/probe?target=${encodeURIComponent(target)}`);
        expect(r.status, what).toBe(400);
        expect(r.text, what).toMatch(/^refused: /);
      }
      expect(evilSamePort.seen, 'nothing reached the other port').toEqual([]);
      expect(evil.seen, 'nothing reached the other host').toEqual([]);

      // Allowed, but no credential belongs to 127.0.0.2: it is read without one.
      const other = await e.scrape(`/probe?target=${encodeURIComponent(`${evil.url}`)}`);
      expect(other.status).toBe(200);
      expect(value(other.text, 'feldera_cluster_up', { host: evil.url })).toBe(0);
      expect(evil.seen.length).toBeGreaterThan(0);
      expect(evil.seen.every((r) => r.auth === undefined)).toBe(true);
      const before = evil.seen.length;

      // The redirector has the key (from the credentials file) and redirects to 127.0.0.2: not followed.
      const redirected = await e.scrape(`/probe?target=${encodeURIComponent(redirector.url)}`);
      expect(value(redirected.text, 'feldera_cluster_up', { host: redirector.url })).toBe(0);
      expect(redirector.seen.some((r) => r.auth === `Bearer ${KEY}`)).toBe(true);
      expect(evil.seen.length, 'the redirect was not followed').toBe(before);

      // The good instance through the prefix: its profile's key, and only there.
      const ok = await e.scrape(`/probe?target=${encodeURIComponent(`${good.url}/`)}`);
      expect(value(ok.text, 'feldera_cluster_up', { profile: 'prod' })).toBe(1);
      for (const text of [ok.text, redirected.text, other.text, e.io.out(), e.io.err()])
        expect(text).not.toContain('probe-secret');
    } finally {
      await e.stop();
    }
  });

  it('URL targets need --allow-target; a bad pattern or credentials file is refused at start', async () => {
    const e = await startExporter({ probeOnly: true }, { configDir: dir });
    try {
      const r = await e.scrape(`/probe?target=${encodeURIComponent(open.url)}`);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/start the exporter with --allow-target/);
    } finally {
      await e.stop();
    }
    await expect(startExporter({ probeOnly: true, allowTarget: ['https://a@b.example.com'] })).rejects.toThrow(
      /invalid --allow-target .*no user or password|may not hold/,
    );
    await expect(startExporter({ probeOnly: true, allowTarget: ['*.example.com.'] })).rejects.toThrow(/end with a dot/);
    const loose = join(dir, 'loose.json');
    writeFileSync(loose, JSON.stringify({ targets: [] }), { mode: 0o644 });
    await expect(startExporter({ probeOnly: true, targetCredentials: loose }, { configDir: dir })).rejects.toThrow(
      /others may read it/,
    );
  });
});

describe('a hung instance costs at most the scrape budget, and never another instance (injected clock)', () => {
  let good: Sim;
  let hung: Awaited<ReturnType<typeof recorder>>;
  let dir: string;
  const names = Array.from({ length: 17 }, (_, i) => `hung-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    good = await sim({ scenario: 'healthy', history: HOUR });
    hung = await recorder('127.0.0.1', () => {}); // takes every request, answers none
    dir = configDir({
      ...Object.fromEntries(names.map((n) => [n, { host: hung.url, auth: { kind: 'none' } }])),
      'zz-good': { host: good.url, auth: { kind: 'none' } },
    });
  });
  afterAll(() => Promise.all([good.close(), hung.close()]));
  const healthz = () => hung.seen.filter((r) => r.path === '/v0/cluster_healthz').length;

  it('status --all-profiles: all 18 rows start at once, and all end one request timeout after the start', async () => {
    const clock = steppedClock();
    const ctx = makeContext({
      io: bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } }),
      clock,
      flags: { requestTimeout: '60', retries: '0' },
    });
    const before = healthz();
    let done = false;
    const rows = checkProfiles(ctx, [...names, 'zz-good'], { kind: 'auto' }).then((r) => {
      done = true;
      return r;
    });
    // Every hung instance is asked before any time passes (a pool of 8 would have asked 8).
    await until(() => healthz() - before === 17, '17 requests at the hung server');
    expect(done).toBe(false);
    clock.advance(60_000 + 500);
    const got = await rows;
    expect(got.map((r) => r.verdict.verdict)).toEqual([...names.map(() => 'unreachable'), 'healthy']);
    expect(got[0]!.verdict.problem?.message).toMatch(/within the request timeout \(1m\)/);
  });

  it('the exporter: a probe of the good one answers while 17 hung reads are in flight; the hung ones answer up 0 within the scrape budget', async () => {
    const clock = steppedClock();
    const e = await startExporter(
      { profiles: [...names, 'zz-good'].join(','), requestTimeout: '60' },
      { configDir: dir, clock },
    );
    try {
      const before = healthz();
      // Prometheus gives 10 s: each read gets 10 × 0.9 − 0.6 = 8.4 s at most.
      const scrape = e.scrape('/metrics', { 'x-prometheus-scrape-timeout-seconds': '10' });
      await until(() => healthz() - before === 17, '17 requests at the hung server');
      const probe = await e.scrape('/probe?target=zz-good');
      expect(value(probe.text, 'feldera_cluster_up', { profile: 'zz-good' })).toBe(1);
      clock.advance(8_400 + 500);
      const m = await scrape;
      expect(m.status).toBe(200);
      expect(value(m.text, 'feldera_cluster_up', { profile: 'zz-good' })).toBe(1);
      for (const n of names) expect(value(m.text, 'feldera_cluster_up', { profile: n })).toBe(0);
      // 8.4 s of budget and the row's 0.5 s backstop, by the injected clock: within Prometheus's 10 s.
      expect(e.io.err()).toMatch(
        /12:00:08\.900Z hung-00: unreachable: no answer from .* within the request timeout \(8s\)/,
      );
    } finally {
      await e.stop();
    }
  });
});

describe('the connection cap under slowloris', () => {
  it('half-sent requests at the cap are closed to make room: /metrics still answers', async () => {
    let evicted = 0;
    const server = await startExporterServer({
      listen: { host: '127.0.0.1', port: 0 },
      routes: { '/metrics': () => ({ status: 200, body: 'ok\n' }) },
      onError: () => {},
      limits: { maxConnections: 16 },
      onEvict: () => evicted++,
    });
    const port = Number(new URL(server.url).port);
    const slow: Socket[] = [];
    try {
      // 200 connections that send half a request line and then nothing (slowloris).
      for (let i = 0; i < 200; i++) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => {});
        s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
        slow.push(s);
      }
      await until(() => evicted >= 200 - 16, 'the half-sent connections past the cap to be closed');
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok\n');
    } finally {
      for (const s of slow) s.destroy();
      await server.close();
    }
  });
});
