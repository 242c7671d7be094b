/**
 * `cluster event watch` end to end: the built bin/cluster.js as a child process against the
 * simulator (in this process, on a manual clock the test moves), as an operator or a script runs
 * it. Needs `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { BIN, cleanEnv, runCli, startCli, tempConfigDir } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';

const MIN = 60_000;
const configDir = tempConfigDir();
const env = { CLUSTER_CONFIG_DIR: configDir };
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

let healthy: Simulator;
let outage: Simulator & { clock: ManualClock };
let secured: Simulator;
let noApi: Simulator;
let piped: Simulator & { clock: ManualClock };

beforeAll(async () => {
  const now = Date.now();
  [healthy, outage, secured, noApi, piped] = await Promise.all([
    startSimulator({ scenario: 'healthy', clock: manualClock(now), seed: 3, history: 60 * MIN }),
    startSimulator({ scenario: 'compiler-outage', clock: manualClock(now), seed: 4, history: 2 * MIN }) as Promise<
      Simulator & { clock: ManualClock }
    >,
    startSimulator({
      scenario: 'healthy',
      clock: manualClock(now),
      seed: 5,
      history: 60 * MIN,
      apiKey: 'apikey:right',
    }),
    startSimulator({ scenario: 'healthy', clock: manualClock(now), omitRoutes: ['cluster_events'] }),
    startSimulator({ scenario: 'flapping', clock: manualClock(now), seed: 6, history: 30 * MIN }) as Promise<
      Simulator & { clock: ManualClock }
    >,
  ]);
});

afterAll(async () => {
  await Promise.all([healthy, outage, secured, noApi, piped].map((s) => s?.close()));
});

/** Resolves once `pred` holds for the child's stdout (or rejects after `ms`). */
function waitFor(read: () => string, pred: (s: string) => boolean, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (pred(read())) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting; got: ${read()}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

// Each test has its own child process (and the two that move a simulator's clock their own simulator).
describe.concurrent('cluster event watch (built binary)', () => {
  it('Ctrl-C: stops with a one-line summary on stderr, exit 130', async () => {
    // its own server, to count its polls: a poll is counted when its request goes out
    const own = await startSimulator({
      scenario: 'healthy',
      clock: manualClock(Date.now()),
      seed: 3,
      history: 60 * MIN,
    });
    let requests = 0;
    own.server.on('request', () => requests++);
    try {
      const w = startCli(['event', 'watch', '--host', own.url, '--interval', '1s'], { env });
      const first = await w.firstLine;
      expect(first).toMatch(/^\S+Z {2}healthy {4}api=Healthy compiler=Healthy runner=Healthy {2}id=[0-9a-f-]{36}$/);
      await until(() => requests >= 2, 'a second poll');
      w.child.kill('SIGINT');
      expect((await w.exited).code).toBe(130);
      const { stdout, stderr } = w.output();
      expect(stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^stopped after \d+m?s: \d+ polls, 1 event, \d+ B received, 0 errors\n$/);
      expect(Number(/(\d+) polls/.exec(stderr)![1])).toBeGreaterThanOrEqual(2);
    } finally {
      await own.close();
    }
  });

  it('Ctrl-C and SIGTERM during an hour-long wait: stop at once (exit 130, 143), same summary', async () => {
    // Waiting out the interval would outlast the test: only stopping at once passes.
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const w = startCli(['event', 'watch', '--host', healthy.url, '--interval', '1h'], { env });
      await w.firstLine;
      w.child.kill(signal);
      expect((await w.exited).code).toBe(code);
      expect(w.output().stderr).toMatch(/^stopped after \d+m?s: 1 poll, 1 event, \d+ B received, 0 errors\n$/);
    }
  });

  it('--json: NDJSON flushed per line while it runs; the gap between polls is filled', async () => {
    // The server's clock jumps 30 minutes, this machine's cannot: the server's is believed however far off.
    const w = startCli(['event', 'watch', '--host', outage.url, '--interval', '1s', '--json'], {
      env: { ...env, CLUSTER_SERVER_CLOCK: 'trust' },
    });
    const first = JSON.parse(await w.firstLine) as { id: string };
    expect(first.id).toBe(outage.model.latest()!.id);
    // 30 simulated minutes pass between two polls: the compiler goes down and comes back.
    outage.clock.advance(30 * MIN);
    await waitFor(
      () => w.output().stdout,
      (s) => s.trim().split('\n').length >= 2,
    );
    outage.model.catchUp(outage.clock.now());
    const expected = outage.model.log.map((l) => l.event.id);
    await waitFor(
      () => w.output().stdout,
      (s) => s.trim().split('\n').length >= expected.length - expected.indexOf(first.id),
    );
    w.child.kill('SIGINT');
    expect((await w.exited).code).toBe(130);
    const lines = w.output().stdout.trim().split('\n');
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(expected.slice(expected.indexOf(first.id)));
    expect(ids.length).toBeGreaterThan(4); // down, backing off, recovered…
    expect(w.output().stdout).not.toMatch(SGR);
    expect(w.output().stderr).toMatch(/^stopped after/);
  });

  it('--until healthy exits 0 at once when healthy; --until unhealthy --timeout 2s exits 124', async () => {
    const ok = await runCli(['event', 'watch', '--host', healthy.url, '--until', 'healthy'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    const t = Date.now();
    const late = await runCli(
      ['event', 'watch', '--host', healthy.url, '--until', 'unhealthy', '--timeout', '2s', '--interval', '1s'],
      { env },
    );
    expect(late.code).toBe(124);
    expect(Date.now() - t).toBeGreaterThan(1900);
    expect(late.stderr).toBe('error: timed out after 2s waiting for --until unhealthy\n');
  });

  it('401 with a token command: runs it again once and goes on', async () => {
    const counter = join(configDir, 'token-runs');
    const script = join(configDir, 'token.sh');
    writeFileSync(counter, '');
    writeFileSync(
      script,
      `#!/bin/sh\necho x >> '${counter}'\nif [ $(wc -l < '${counter}') -lt 2 ]; then echo apikey:expired; else echo apikey:right; fi\n`,
    );
    chmodSync(script, 0o755);
    const r = await runCli(['event', 'watch', '--host', secured.url, '--until', 'healthy'], {
      env: { ...env, FELDERA_AUTH_TOKEN_COMMAND: script },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/healthy/);
    expect(r.stderr).toBe('the server answered 401; running the token command again\n');
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('401 without one: exit 1 with the hint; a server without the API: exit 1', async () => {
    const r = await runCli(['event', 'watch', '--host', secured.url], {
      env: { ...env, FELDERA_API_KEY: 'apikey:wrong' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: not authorised: .*\nhint: /);
    const n = await runCli(['event', 'watch', '--host', noApi.url, '--json'], { env });
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/has no cluster-events API/);
    expect(JSON.parse(n.stdout)).toMatchObject({ error: { kind: 'no-api', exit_code: 1 } });
  });

  it('closed stdout pipe: exits quietly', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'event', 'watch', '--host', piped.url, '--interval', '1s', '--json', '--since', '10m'],
      {
        env: cleanEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // like `| head -1`
    piped.clock.advance(20 * MIN); // more events to write into the closed pipe
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });

  it('usage errors: --interval under 1s, a bad --since', async () => {
    for (const args of [
      ['--interval', '500ms'],
      ['--since', 'last week'],
    ]) {
      const r = await runCli(['event', 'watch', '--host', healthy.url, ...args], { env });
      expect(r.code).toBe(64);
      expect(r.stdout).toBe('');
    }
  });

  it.runIf(hasScript)('at a terminal: coloured line and a status line on stderr, redrawn in place', async () => {
    const quoted = [
      process.execPath,
      BIN,
      'event',
      'watch',
      '--host',
      healthy.url,
      '--interval',
      '1s',
      '--timeout',
      '2500ms',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', `stty cols 120 rows 50; ${quoted}`, '/dev/null'], {
        env: cleanEnv({ ...env, TERM: 'xterm-256color' }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let s = '';
      child.stdout.on('data', (d) => (s += d));
      child.on('error', reject);
      child.on('close', () => resolve(s));
      child.stdin.end();
    });
    expect(out).toMatch(SGR);
    expect(out).toContain('\r\u001b[2K');
    expect(out.replace(SGR, '')).toMatch(
      /\d\d:\d\d:\d\d {2}✓ healthy {4}api ✓ Healthy {2}compiler ✓ Healthy {2}runner ✓ Healthy {2}[0-9a-f]{8}/,
    );
    expect(out.replace(SGR, '')).toMatch(/last poll \ds ago · next in \ds · \d+ B received · 0 errors/);
    expect(out.replace(SGR, '')).toContain('timed out after 3s');
  });
});
