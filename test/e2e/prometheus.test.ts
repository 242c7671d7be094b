/**
 * The exporter against the real thing: `cluster simulate` (a compiler outage at 120× speed), the
 * built `cluster exporter`, and a real Prometheus server (Debian's `prometheus` package) scraping
 * it every second, all on 127.0.0.1 with a temporary data directory. What Prometheus stored is
 * read back through its query API. The shipped alert rules go through `promtool`.
 *
 * Without the `prometheus` and `promtool` binaries the tests are skipped, and say so — except in
 * CI (CI=true), where `.ci/run` installs them and their absence is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { hashSync } from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, startSimulator } from '../../src/simulator/index.js';
import { startCli, tempConfigDir } from '../helpers/cli.js';
import { selfSignedCert } from '../helpers/fake-server.js';
import { closedPort } from '../helpers/sim.js';
import { stopped } from '../helpers/wait.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples/prometheus');
const OUTAGE = resolve(import.meta.dirname, '../fixtures/scenarios/compiler-outage-short.json');
const onPath = (bin: string) => spawnSync('/bin/sh', ['-c', `command -v ${bin}`]).status === 0;
const installed = onPath('prometheus') && onPath('promtool');
const inCI = Boolean(process.env.CI);
const SKIPPED =
  'SKIPPED: the Prometheus integration tests need `prometheus` and `promtool` (Debian: apt-get install -y prometheus); they are not installed, so these tests did not run';
if (!installed && !inCI) console.warn(SKIPPED);

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => stopped(c)));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function promtool(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: EXAMPLES, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function startPrometheus(exporterUrl: string, scrape?: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-prometheus-'));
  dirs.push(dir);
  const target = new URL(exporterUrl).host;
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: [${JSON.stringify(join(EXAMPLES, 'alerts.yml'))}]`,
    'scrape_configs:',
    ...(scrape ?? ['  - job_name: feldera-cluster', `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await closedPort();
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  const child = spawn('prometheus', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
    if ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok) return url;
  }
  throw new Error(`prometheus was not ready within 15 s: ${log}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instant query's single value, or undefined when there is no sample. */
async function queryValue(prometheus: string, query: string): Promise<number | undefined> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
  expect(body.status).toBe('success');
  const first = body.data.result[0];
  return first ? Number(first.value[1]) : undefined;
}

describe.skipIf(!installed && !inCI)('the exporter with a real Prometheus', () => {
  it('the shipped alert rules pass `promtool check rules` and `promtool test rules`', () => {
    expect(installed, 'prometheus/promtool are missing in CI: .ci/run should have installed them').toBe(true);
    const check = promtool('check', 'rules', 'alerts.yml');
    expect(check.out).toMatch(/SUCCESS: 5 rules found/);
    expect(check.code).toBe(0);
    const test = promtool('test', 'rules', 'alerts.test.yml');
    expect(test.out).toMatch(/SUCCESS/);
    expect(test.code).toBe(0);
  });

  it('the shipped scrape configs pass `promtool check config`', () => {
    for (const file of ['prometheus-static.yml', 'prometheus-file-sd.yml']) {
      const r = promtool('check', 'config', file);
      expect(r.out, file).toMatch(/SUCCESS/);
      expect(r.code, `${file}: ${r.out}`).toBe(0);
    }
    // Debian builds Prometheus without Kubernetes service discovery: there promtool rejects the
    // kubernetes_sd_configs block itself. Where it has it, the file is checked as shipped; where not,
    // with that block swapped for static targets carrying the same meta labels (so the relabeling
    // is still checked), and the test says so.
    const k8s = readFileSync(join(EXAMPLES, 'prometheus-kubernetes.yml'), 'utf8');
    const shipped = promtool('check', 'config', 'prometheus-kubernetes.yml');
    if (/field kubernetes_sd_configs not found/.test(shipped.out)) {
      console.warn(
        'promtool here has no Kubernetes SD: prometheus-kubernetes.yml checked with static targets in its place',
      );
      const swapped = k8s.replace(
        /kubernetes_sd_configs:\n(?:\s{6,}.*\n)+/,
        "static_configs:\n      - targets: ['feldera-api.feldera.svc:8080']\n        labels: { __meta_kubernetes_service_label_app_kubernetes_io_component: api-server, __meta_kubernetes_namespace: feldera, __meta_kubernetes_service_name: feldera-api }\n",
      );
      expect(swapped).not.toMatch(/^\s*kubernetes_sd_configs:/m);
      const dir = mkdtempSync(join(tmpdir(), 'cluster-k8s-'));
      dirs.push(dir);
      writeFileSync(
        join(dir, 'prometheus.yml'),
        swapped.replace('  - alerts.yml', `  - ${join(EXAMPLES, 'alerts.yml')}`),
      );
      const r = promtool('check', 'config', join(dir, 'prometheus.yml'));
      expect(r.code, r.out).toBe(0);
    } else {
      expect(shipped.code, shipped.out).toBe(0);
    }
  });

  it('`promtool check metrics` passes on /metrics and on /probe', async () => {
    const sim = await startSimulator({ scenario: 'compiler-outage', history: 10 * 60_000, seed: 3 });
    try {
      const exporter = startCli(['exporter', '--host', sim.url, '--listen', '127.0.0.1:0', '--allow-target', sim.url], {
        env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
      });
      children.push(exporter.child);
      const metrics = await exporter.firstLine;
      const probe = metrics.replace(/\/metrics$/, `/probe?target=${encodeURIComponent(sim.url)}`);
      for (const url of [metrics, probe]) {
        const text = await (await fetch(url)).text();
        expect(text).toMatch(/^feldera_cluster_info\{/m);
        const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(`${r.stdout}${r.stderr}`, url).toBe('');
        expect(r.status, url).toBe(0);
      }
      exporter.child.kill('SIGTERM');
      expect((await exporter.exited).code).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('a real Prometheus probes over TLS with basic auth (--web-config); a wrong password gets 401 and no request to Feldera', async () => {
    const tls = selfSignedCert();
    expect(tls, 'openssl is needed to make a certificate').toBeDefined();
    const sim = await startSimulator({ scenario: 'healthy', seed: 4 });
    let upstream = 0;
    sim.server.on('request', () => upstream++);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cluster-web-'));
      dirs.push(dir);
      const password = 'scrape-Pa55word';
      const web = [
        'tls_server_config:',
        `  cert_file: ${tls!.certFile}`,
        `  key_file: ${join(dirname(tls!.certFile), 'key.pem')}`,
        'basic_auth_users:',
        `  prometheus: ${hashSync(password, 10)}`,
      ].join('\n');
      writeFileSync(join(dir, 'web.yml'), web, { mode: 0o600 });
      writeFileSync(join(dir, 'password'), password, { mode: 0o600 });
      const config = tempConfigDir();
      writeFileSync(
        join(config, 'config.json'),
        JSON.stringify({
          profiles: {
            prod: { host: sim.url, auth: { kind: 'none' } },
            other: { host: sim.url, auth: { kind: 'none' } },
          },
        }),
        { mode: 0o600 },
      );
      const exporter = startCli(
        [
          'exporter',
          '--probe-only',
          '--listen',
          '127.0.0.1:0',
          '--min-interval',
          '1h',
          '--web-config',
          join(dir, 'web.yml'),
        ],
        { env: { CLUSTER_CONFIG_DIR: config } },
      );
      children.push(exporter.child);
      const url = await exporter.firstLine;
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const host = new URL(url).host;
      const prometheus = await startPrometheus(url, [
        '  - job_name: feldera-cluster',
        '    scheme: https',
        '    metrics_path: /probe',
        '    params: { target: [prod] }',
        `    tls_config: { ca_file: ${JSON.stringify(tls!.certFile)} }`,
        `    basic_auth: { username: prometheus, password_file: ${JSON.stringify(join(dir, 'password'))} }`,
        `    static_configs: [{ targets: [${JSON.stringify(host)}] }]`,
      ]);
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
        if ((await queryValue(prometheus, 'feldera_cluster_up{profile="prod"}')) === 1) break;
      }
      expect(await queryValue(prometheus, 'feldera_cluster_up{profile="prod",job="feldera-cluster"}')).toBe(1);
      expect(await queryValue(prometheus, 'up{job="feldera-cluster"}')).toBe(1);

      // A wrong password, an unknown user, none: 401, and Feldera is not asked. `other` has not been
      // read yet (Prometheus probes `prod`, whose reads --min-interval 1h keeps to one), so a request
      // that got through would show at the simulator — as the right password's does.
      const before = upstream;
      const get = (auth: string | undefined) =>
        new Promise<{ status: number; challenge: string | undefined }>((done, fail) => {
          const headers = auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {};
          request(`${url.replace(/\/metrics$/, '/probe')}?target=other`, { ca: tls!.cert, headers }, (res) => {
            res.resume();
            done({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] });
          })
            .on('error', fail)
            .end();
        });
      for (const auth of ['prometheus:wrong', 'nobody:scrape-Pa55word', undefined]) {
        const r = await get(auth);
        expect(r.status, String(auth)).toBe(401);
        expect(r.challenge).toMatch(/^Basic realm=/);
      }
      expect(upstream).toBe(before);
      expect((await get(`prometheus:${password}`)).status).toBe(200);
      expect(upstream).toBeGreaterThan(before);
      exporter.child.kill('SIGTERM');
      expect((await exporter.exited).code).toBe(0);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('feldera_cluster_service_healthy follows a compiler outage, as stored by Prometheus', async () => {
    // Prometheus applies its scrape targets a few seconds after it starts, so the instance comes
    // last: the exporter and Prometheus start first, and the simulator (whose scenario clock starts
    // with it) once Prometheus has scraped the exporter — which reads `feldera_cluster_up 0` until then.
    const host = `http://127.0.0.1:${await closedPort()}`;
    // The simulator runs at 120×: its clock runs ahead of the real one, to be believed (README "Stale").
    const exporter = startCli(['exporter', '--host', host, '--listen', '127.0.0.1:0', '--min-interval', '1s'], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir(), CLUSTER_SERVER_CLOCK: 'trust' },
    });
    children.push(exporter.child);
    const metricsUrl = await exporter.firstLine;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const prometheus = await startPrometheus(metricsUrl);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(250)) {
      if ((await queryValue(prometheus, `feldera_cluster_up{host=${JSON.stringify(host)}}`)) === 0) break;
    }
    expect(await queryValue(prometheus, `feldera_cluster_up{host=${JSON.stringify(host)}}`)).toBe(0);

    // The compiler outage on a clock the test moves, each step once Prometheus has stored the one
    // before: the compiler is up, then (10 simulated minutes on) down, then (20 minutes on) back.
    const clock = manualClock(Date.now());
    const sim = await startSimulator({ port: Number(new URL(host).port), scenario: OUTAGE, clock, seed: 7 });
    try {
      const compiler = `feldera_cluster_service_healthy{job="feldera-cluster",service="compiler",host=${JSON.stringify(host)}}`;
      const stored = async (value: number, what: string) => {
        for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250))
          if ((await queryValue(prometheus, compiler)) === value) return;
        throw new Error(`Prometheus did not store the compiler as ${what} within 30 s`);
      };
      clock.advance(30_000); // the monitor's first rounds
      await stored(1, 'healthy');
      clock.advance(10 * 60_000);
      await stored(0, 'down');
      clock.advance(10 * 60_000);
      await stored(1, 'healthy again');
      await storedHistoryAgrees(prometheus);
    } finally {
      await sim.close();
    }

    exporter.child.kill('SIGTERM');
    expect((await exporter.exited).code).toBe(0);
    expect(exporter.output().stderr).toMatch(/default: unhealthy: compiler Unhealthy/);
  }, 60_000);
});

/** After the outage: what Prometheus stored over its whole life, and the rules it loaded. */
async function storedHistoryAgrees(prometheus: string): Promise<void> {
  // Stored history agrees: the compiler was reported Unhealthy, the API server never failed, the exporter always read.
  expect(
    await queryValue(
      prometheus,
      'max_over_time(feldera_cluster_service_status{service="compiler",status="Unhealthy"}[10m])',
    ),
  ).toBe(1);
  expect(await queryValue(prometheus, 'min_over_time(feldera_cluster_service_healthy{service="api"}[10m])')).toBe(1);
  // down until the instance started, then read on every scrape: one change in this Prometheus's whole life
  expect(await queryValue(prometheus, 'changes(feldera_cluster_up[10m])')).toBe(1);
  expect(await queryValue(prometheus, 'min_over_time(up{job="feldera-cluster"}[10m])')).toBe(1);
  // The real server loaded the shipped rules too.
  const rules = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
    data: { groups: { rules: { name: string; health: string }[] }[] };
  };
  const loaded = rules.data.groups.flatMap((g) => g.rules);
  expect(loaded.map((r) => r.name).sort()).toEqual([
    'FelderaClusterDown',
    'FelderaClusterStale',
    'FelderaClusterUnhealthy',
    'FelderaExporterCannotReachFeldera',
    'FelderaExporterDown',
  ]);
  expect(loaded.every((r) => r.health === 'ok')).toBe(true);
}

if (!installed && !inCI) {
  describe('the exporter with a real Prometheus', () => {
    it.skip(SKIPPED, () => {});
  });
}
