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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempConfigDir } from '../helpers/cli.js';
import { closedPort } from '../helpers/sim.js';

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
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function promtool(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: EXAMPLES, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function startPrometheus(exporterUrl: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-prometheus-'));
  dirs.push(dir);
  const target = new URL(exporterUrl).host;
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: [${JSON.stringify(join(EXAMPLES, 'alerts.yml'))}]`,
    'scrape_configs:',
    '  - job_name: feldera-cluster',
    `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
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

  it('feldera_cluster_service_healthy follows a compiler outage, as stored by Prometheus', async () => {
    // Prometheus applies its scrape targets a few seconds after it starts, so the instance comes
    // last: the exporter and Prometheus start first, and the simulator (whose scenario clock starts
    // with it) once Prometheus has scraped the exporter — which reads `feldera_cluster_up 0` until then.
    const host = `http://127.0.0.1:${await closedPort()}`;
    const exporter = startCli(['exporter', '--host', host, '--listen', '127.0.0.1:0', '--min-interval', '1s'], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
    });
    children.push(exporter.child);
    const metricsUrl = await exporter.firstLine;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const prometheus = await startPrometheus(metricsUrl);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(250)) {
      if ((await queryValue(prometheus, `feldera_cluster_up{host=${JSON.stringify(host)}}`)) === 0) break;
    }
    expect(await queryValue(prometheus, `feldera_cluster_up{host=${JSON.stringify(host)}}`)).toBe(0);

    // A compiler outage at 120×: the compiler goes down 5 s in (10 simulated minutes) and is back at 10 s (20 min).
    const sim = startCli([
      'simulate',
      '--port',
      new URL(host).port,
      '--scenario',
      OUTAGE,
      '--speed',
      '120',
      '--seed',
      '7',
    ]);
    children.push(sim.child);
    expect(await sim.firstLine).toBe(host);

    // What Prometheus says about the compiler, once a second, until it went down and came back.
    const seen: number[] = [];
    const compiler = `feldera_cluster_service_healthy{job="feldera-cluster",service="compiler",host=${JSON.stringify(host)}}`;
    for (const deadline = Date.now() + 40_000; Date.now() < deadline; await sleep(500)) {
      const v = await queryValue(prometheus, compiler);
      if (v !== undefined && v !== seen.at(-1)) seen.push(v);
      if (seen.length >= 3) break;
    }
    expect(seen).toEqual([1, 0, 1]);
    // Stored history agrees: the compiler was reported Unhealthy, the API server never failed, the exporter always read.
    expect(
      await queryValue(
        prometheus,
        'max_over_time(feldera_cluster_service_status{service="compiler",status="Unhealthy"}[1m])',
      ),
    ).toBe(1);
    expect(await queryValue(prometheus, 'min_over_time(feldera_cluster_service_healthy{service="api"}[1m])')).toBe(1);
    expect(await queryValue(prometheus, 'min_over_time(feldera_cluster_up[5s])')).toBe(1);
    expect(await queryValue(prometheus, 'min_over_time(up{job="feldera-cluster"}[1m])')).toBe(1);
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

    exporter.child.kill('SIGTERM');
    expect((await exporter.exited).code).toBe(0);
    expect(exporter.output().stderr).toMatch(/default: unhealthy: compiler Unhealthy/);
  }, 60_000);
});

if (!installed && !inCI) {
  describe('the exporter with a real Prometheus', () => {
    it.skip(SKIPPED, () => {});
  });
}
