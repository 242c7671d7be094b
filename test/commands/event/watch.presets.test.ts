/**
 * `--exec-payload`: each preset posted by a real `curl` hook to a receiver on 127.0.0.1 (a small
 * HTTP server in the test), for a compiler outage on the virtual clock: what the receiver got,
 * checked field by field against what the README documents. PagerDuty's routing key reaches the
 * receiver and nothing else: not stdout, not stderr, not with --verbose and a hook that prints it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_NAME } from '../../../src/hooks/presets.js';
import { closeHookWatches, watchHooks } from '../../helpers/hooks.js';

afterEach(closeHookWatches);

interface Received {
  path: string;
  type: string | undefined;
  body: unknown;
}

let server: Server;
let url = '';
let received: Received[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
afterEach(() => {
  received = [];
});

/** The hook: POST stdin as JSON, failing on an HTTP error (as the README's recipes do). */
const POST = `curl -fsS -XPOST -H 'Content-Type: application/json' --data @- "$RECEIVER/$CLUSTER_TRANSITION"`;
/** An alert as Alertmanager's `POST /api/v2/alerts` takes it. */
interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ROUTING_KEY = 'R0ut1ngK3yOfAPagerDutyServ1ce42';

/** A compiler outage (minutes 5 to 25), watched with a preset; every hook posts to the receiver. */
async function outage(payload: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return watchHooks(
    { exec: POST, execOn: 'transition', execPayload: payload, timeout: '40m', ...extra },
    { scenario: 'compiler-outage', history: 60_000, env: { RECEIVER: url, ...env } },
  );
}

describe('--exec-payload presets, posted to a loopback receiver', () => {
  it('event: the server event object (the one that fired, the one that resolved)', async () => {
    const w = await outage('event');
    expect(w.code).toBe(124);
    expect(received.map((r) => [r.path, r.type])).toEqual([
      ['/firing', 'application/json'],
      ['/resolved', 'application/json'],
    ]);
    const ids = w.lines().map((l) => /id=(\S+)/.exec(l)![1]);
    const [firing, resolved] = received.map((r) => r.body as Record<string, unknown>);
    expect(firing).toMatchObject({ compiler_status: 'Unhealthy', all_healthy: false });
    expect(resolved).toMatchObject({ compiler_status: 'Healthy', all_healthy: true });
    expect(ids).toContain(firing!.id);
    expect(ids).toContain(resolved!.id);
    expect(Object.keys(firing!).sort()).toEqual(
      ['id', 'recorded_at', 'all_healthy', 'api_status', 'compiler_status', 'runner_status'].sort(),
    );
  });

  it('webhook: text, transition, verdicts, since, duration, the event', async () => {
    await outage('webhook');
    const [firing, resolved] = received.map((r) => r.body as Record<string, unknown>);
    expect(firing).toMatchObject({
      source: 'feldera-cluster',
      profile: null,
      transition: 'firing',
      verdict: 'unhealthy',
      previous_verdict: 'healthy',
      duration_seconds: 0,
      repeat: 0,
      suppressed: 0,
      changed: [{ service: 'compiler', from: 'Healthy', to: 'Unhealthy' }],
      failing: ['compiler'],
      notice: null,
    });
    expect(firing!.text).toMatch(
      /^\[FIRING\] Feldera http:\/\/127\.0\.0\.1:\d+ is unhealthy since \S+ \(0ms\): compiler Unhealthy$/,
    );
    expect(firing!.since).toMatch(ISO);
    expect((firing!.event as Record<string, unknown>).compiler_status).toBe('Unhealthy');
    expect(resolved).toMatchObject({
      transition: 'resolved',
      verdict: 'healthy',
      previous_verdict: 'unhealthy',
      since: firing!.since,
      repeat: null,
      failing: [],
    });
    expect(resolved!.duration_seconds as number).toBeGreaterThan(19 * 60);
    expect(resolved!.text).toMatch(/^\[RESOLVED\] Feldera \S+ is healthy again after \d+m( \d+s)? unhealthy$/);
  });

  it('alertmanager: one alert, the same labels firing and resolved, endsAt on the resolve (and ahead with --repeat)', async () => {
    const w = await outage('alertmanager', { repeat: '15m' });
    const bodies = received.map((r) => r.body as AmAlert[]);
    expect(received.map((r) => r.path)).toEqual(['/firing', '/firing', '/resolved']);
    for (const b of bodies) expect(b).toHaveLength(1);
    const [firing, repeat, resolved] = bodies.map((b) => b[0]!);
    const labels = { alertname: ALERT_NAME, host: w.sim.url, severity: 'critical' };
    for (const a of [firing, repeat, resolved]) {
      expect(a!.labels).toEqual(labels);
      expect(a!.startsAt).toBe(firing!.startsAt);
      expect(a!.generatorURL).toBe(w.sim.url);
    }
    expect(firing!.annotations).toMatchObject({ verdict: 'unhealthy', since: firing!.startsAt });
    expect(firing!.annotations.summary).toMatch(/^\[FIRING\] /);
    expect(firing!.annotations.description).toContain(`cluster status --host ${w.sim.url}`);
    // Firing with --repeat 15m: the alert ends by itself four repeats on, unless sent again.
    expect(Date.parse(firing!.endsAt!) - Date.parse(firing!.startsAt)).toBe(60 * 60_000);
    expect(resolved!.annotations.verdict).toBe('healthy');
    expect(Date.parse(resolved!.endsAt!) - Date.parse(resolved!.startsAt)).toBeGreaterThan(19 * 60_000);
    // Without --repeat a firing alert has no endsAt (Alertmanager's resolve_timeout applies), and a note says so.
    received = [];
    const plain = await outage('alertmanager');
    expect((received[0]!.body as unknown[])[0]).not.toHaveProperty('endsAt');
    expect(plain.err()).toMatch(/^note: Alertmanager ends an alert that is not sent again within its resolve_timeout/m);
  });

  it('pagerduty: Events v2 with the routing key from PAGERDUTY_ROUTING_KEY, never printed; trigger, then resolve', async () => {
    // The hook also prints what it sent, and --verbose shows a hook's output: the key is masked there.
    const hook = `body=$(cat); echo "$body" >&2; printf '%s' "$body" | ${POST}`;
    const w = await watchHooks(
      { exec: hook, execOn: 'transition', execPayload: 'pagerduty', timeout: '40m', verbose: true },
      {
        scenario: 'compiler-outage',
        history: 60_000,
        env: { RECEIVER: url, PAGERDUTY_ROUTING_KEY: ROUTING_KEY },
      },
    );
    const [trigger, resolve] = received.map((r) => r.body as Record<string, unknown>);
    expect(Object.keys(trigger!)[0]).toBe('routing_key');
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `feldera-cluster/${w.sim.url}`,
      client: 'feldera-cluster',
      client_url: w.sim.url,
    });
    const payload = trigger!.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      source: w.sim.url,
      severity: 'critical',
      component: 'compiler',
      group: w.sim.url,
      class: 'unhealthy',
    });
    expect(payload.summary).toMatch(/^\[FIRING\] /);
    expect(payload.timestamp).toMatch(ISO);
    expect(resolve).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: trigger!.dedup_key,
      client: 'feldera-cluster',
      client_url: w.sim.url,
    });
    // The hook printed the body (with the key) on its stderr; --verbose shows it, masked.
    expect(w.err()).toMatch(/^\* hook stderr: \{"routing_key":"\S+","event_action":"trigger"/m);
    expect(w.io.out() + w.err()).not.toContain(ROUTING_KEY);
    expect(w.io.out() + w.err()).not.toContain(ROUTING_KEY.slice(8, 16));
  });

  it('pagerduty without PAGERDUTY_ROUTING_KEY is a usage error before anything is sent', async () => {
    const w = await outage('pagerduty');
    expect(w.code).toBe(64);
    expect(w.err()).toMatch(/--exec-payload pagerduty needs PAGERDUTY_ROUTING_KEY in the environment/);
    expect(received).toEqual([]);
  });
});
