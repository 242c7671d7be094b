/**
 * `--exec-payload alertmanager` against the real thing: Debian's Alertmanager 0.25
 * (`/usr/bin/prometheus-alertmanager`) started by the test on 127.0.0.1 with a generated config —
 * no gossip (`--cluster.listen-address=`), storage in a temp dir, a 1-second group_wait — whose
 * webhook receiver is a loopback server in the test. `event watch --exec-on transition` runs in
 * process on a virtual clock (a compiler outage), and its hook posts the preset with curl to
 * `/api/v2/alerts`. Asserted: Alertmanager accepted the firing alert (GET /api/v2/alerts lists it,
 * active, with our labels) and notified the receiver; then the resolve reached the receiver too, and
 * the alert is no longer listed.
 *
 * The virtual clock starts 40 minutes in the past, so that the outage (minutes 5 to 25) has ended,
 * in Alertmanager's real time, when its resolve is posted: Alertmanager resolves an alert whose
 * endsAt has passed.
 *
 * Without the binary the test is skipped, and says so — except in CI (CI set), where `.ci/run`
 * installs `prometheus-alertmanager` and its absence is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ALERT_NAME } from '../../src/hooks/presets.js';
import { closeHookWatches, until, watchHooks } from '../helpers/hooks.js';
import { closedPort } from '../helpers/sim.js';
import { stopped } from '../helpers/wait.js';

const BIN = 'prometheus-alertmanager';
const installed = spawnSync('/bin/sh', ['-c', `command -v ${BIN}`]).status === 0;
const inCI = Boolean(process.env.CI);
const SKIPPED = `SKIPPED: the Alertmanager integration test needs \`${BIN}\` (Debian: apt-get install -y prometheus-alertmanager); it is not installed, so this test did not run`;
if (!installed && !inCI) console.warn(SKIPPED);

const MIN = 60_000;

interface Notification {
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; endsAt: string }[];
}

let child: ChildProcess | undefined;
let receiver: Server | undefined;
const dirs: string[] = [];
afterEach(closeHookWatches);
afterAll(async () => {
  if (child) await stopped(child);
  if (receiver) await new Promise((r) => receiver!.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The webhook receiver Alertmanager notifies: every notification it got. */
async function startReceiver(): Promise<{ url: string; got: Notification[] }> {
  const got: Notification[] = [];
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c));
    req.on('end', () => {
      got.push(JSON.parse(text) as Notification);
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, got };
}

async function startAlertmanager(webhook: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-alertmanager-'));
  dirs.push(dir);
  const config = [
    'route:',
    '  receiver: test',
    "  group_by: ['alertname', 'host']",
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: test',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhook)}`,
    '        send_resolved: true',
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await closedPort();
  child = spawn(
    BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (const end = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}): ${log}`);
    if ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok) return url;
    if (Date.now() > end) throw new Error(`alertmanager was not ready within 20 s: ${log}`);
  }
}

/** Alertmanager's alerts, as its API lists them. */
async function listed(url: string): Promise<{ labels: Record<string, string>; status: { state: string } }[]> {
  const res = await fetch(`${url}/api/v2/alerts`);
  expect(res.status).toBe(200);
  return (await res.json()) as { labels: Record<string, string>; status: { state: string } }[];
}

/** Wait (real time: Alertmanager's own group_wait) until the receiver got a notification with this status. */
async function notified(got: Notification[], status: Notification['status']): Promise<Notification> {
  await until(() => got.some((n) => n.status === status), `a ${status} notification from Alertmanager`, 30_000);
  return got.find((n) => n.status === status)!;
}

describe.skipIf(!installed && !inCI)('the alertmanager preset with a real Alertmanager', () => {
  it('accepted firing (listed, notified) and then resolved (notified, no longer listed)', {
    timeout: 120_000,
  }, async () => {
    expect(installed, `${BIN} is missing in CI: .ci/run should have installed it`).toBe(true);
    const { url: webhook, got } = await startReceiver();
    const am = await startAlertmanager(webhook);
    const hook = `curl -fsS -XPOST -H 'Content-Type: application/json' --data @- "$ALERTMANAGER/api/v2/alerts"`;
    let firingChecked = false;
    const w = await watchHooks(
      { exec: hook, execOn: 'transition', execPayload: 'alertmanager', for: '1m', timeout: '40m' },
      {
        scenario: 'compiler-outage',
        history: MIN,
        start: Math.floor(Date.now() / 1000) * 1000 - 40 * MIN,
        env: { ALERTMANAGER: am },
        // Between polls, once the firing hook has run (and before the resolve can): what Alertmanager made of it.
        async between(h) {
          if (firingChecked || (h?.stats().started ?? 0) < 1) return;
          firingChecked = true;
          const ours = (await listed(am)).filter((a) => a.labels.alertname === ALERT_NAME);
          expect(ours).toHaveLength(1);
          expect(ours[0]!.labels).toMatchObject({ alertname: ALERT_NAME, severity: 'critical' });
          expect(ours[0]!.status.state).toBe('active');
          const n = await notified(got, 'firing');
          expect(n.alerts).toHaveLength(1);
          expect(n.alerts[0]!.annotations.verdict).toBe('unhealthy');
          expect(n.alerts[0]!.annotations.summary).toMatch(/^\[FIRING\] Feldera \S+ is unhealthy since /);
        },
      },
    );
    expect(firingChecked).toBe(true);
    expect(w.code).toBe(124);
    // Every post was accepted (curl -f fails a hook on any HTTP error, which would be a warning).
    expect(w.err()).not.toMatch(/^warning: the (firing|resolved) hook/m);
    expect(w.started.map((j) => j.label.split(' ')[1])).toEqual(['firing', 'resolved']);
    const resolved = await notified(got, 'resolved');
    expect(resolved.alerts[0]!.labels.host).toBe(w.sim.url);
    expect(resolved.alerts[0]!.status).toBe('resolved');
    expect((await listed(am)).filter((a) => a.labels.alertname === ALERT_NAME)).toEqual([]);
  });
});

if (!installed && !inCI) {
  describe('the alertmanager preset with a real Alertmanager', () => {
    it.skip(SKIPPED, () => {});
  });
}
