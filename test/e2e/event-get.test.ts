/**
 * `cluster event get` end to end: the built bin/cluster.js as a child process against the
 * simulator, as a user or a script would run it. Needs `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, type Simulator, selectEvent, startSimulator } from '../../src/simulator/index.js';
import { BIN, cleanEnv, runCli, startCli, tempConfigDir } from '../helpers/cli.js';

// The simulator's clock starts at the real one: the built binary judges ages by its own clock, and
// believes a server's Date only within 5 minutes of it (README "Stale").
const START = Math.floor(Date.now() / 60_000) * 60_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const configDir = tempConfigDir();
const env = { CLUSTER_CONFIG_DIR: configDir };
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
const BOX = /[┌┐└┘├┤┬┴┼─│]/;

/**
 * Proves a path does not draw with the terminal kit (render/kit.ts: chalk, bundled into dist/cli.cjs,
 * and cli-table3, its own file dist/lazy/cli-table3.cjs): chalk asks tty.isatty(1) and (2) as it
 * loads, and nothing else on a piped path does; cli-table3 is a require of its file. A preload makes
 * both fail loudly.
 */
const hookFile = join(configDir, 'forbid-ui.cjs');
writeFileSync(
  hookFile,
  `const tty = require('node:tty');
const Module = require('node:module');
const forbid = (what) => {
  process.stderr.write('forbidden import: ' + what + '\\n');
  process.exit(1);
};
tty.isatty = (fd) => forbid('the terminal kit asked isatty(' + fd + ')');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/lazy[\\\\/]cli-table3\\.cjs$/.test(request)) forbid(request);
  return load.call(this, request, ...rest);
};
`,
);
const forbidUi = { NODE_OPTIONS: `--require=${hookFile}` };

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Run the CLI in a pseudo-terminal (util-linux `script`), 100 columns wide. */
function runInPty(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols 100 rows 50; ${quoted}`, '/dev/null'], {
      env: cleanEnv({ ...env, TERM: 'xterm-256color', ...extra }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: out.replace(/\r\n/g, '\n') }));
    child.stdin.end();
  });
}

/** A shell pipeline, run without blocking this process (which hosts the simulators). */
function sh(cmd: string, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', cmd], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

const sims: Record<'healthy' | 'outage' | 'stalled', Simulator> = {} as never;

beforeAll(async () => {
  const start = (scenario: string, history: number) =>
    startSimulator({ scenario, clock: manualClock(START), seed: 21, history });
  [sims.healthy, sims.outage, sims.stalled] = await Promise.all([
    start('healthy', HOUR),
    start('compiler-outage', 10 * MIN),
    start('stalled', 2 * HOUR),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(sims).map((s) => s.close()));
});

describe('cluster event get (built binary)', () => {
  it('piped: plain key: value rows, no colour, no box drawing, exit 0', async () => {
    const r = await runCli(['event', 'get', 'latest', '--host', sims.healthy.url, '--utc'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const latest = sims.healthy.model.latest()!;
    expect(r.stdout).toContain(`id: ${latest.id}\nverdict: healthy\nrecorded_at: ${latest.recorded_at}\n`);
    expect(r.stdout).toContain('api_status: Healthy\ncompiler_status: Healthy\nrunner_status: Healthy\n');
    expect(r.stdout).not.toMatch(BOX);
    expect(r.stdout).not.toContain('\u001b');
    // cut works on it
    const cut = await sh('grep ^verdict: | cut -d" " -f2', r.stdout);
    expect(cut.stdout).toBe('healthy\n');
  });

  it("--json | node -e: the server's object, parsed by another program", async () => {
    const script =
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const e=JSON.parse(s);process.stdout.write(e.id+' '+e.all_healthy+' '+e.recorded_at+' '+Object.keys(e).length)})";
    const cmd = `'${process.execPath}' '${BIN}' event get latest --host ${sims.outage.url} --json | '${process.execPath}' -e "${script}"`;
    // asynchronously: the simulator answers from this very process
    const r = await sh(cmd);
    const latest = sims.outage.model.latest()!;
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${latest.id} false ${latest.recorded_at} 6`);
  });

  it('--json piped is exactly what the server sent, and does not load cli-table3', async () => {
    const forbidden = { env: { ...env, ...forbidUi } };
    const [status, all, plain] = await Promise.all([
      runCli(['event', 'get', 'latest', '--host', sims.outage.url, '--json', '-s', 'status'], forbidden),
      runCli(['event', 'get', 'latest', '--host', sims.outage.url, '--json', '-s', 'all'], forbidden),
      // the plain piped form does not need them either
      runCli(['event', 'get', 'latest', '--host', sims.outage.url], forbidden),
    ]);
    for (const [r, selector] of [
      [status, 'status'],
      [all, 'all'],
    ] as const) {
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`${JSON.stringify(selectEvent(sims.outage.model.latest()!, selector))}\n`);
    }
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('verdict: unhealthy');
  });

  it('exit codes: 0 retrieved, 2 not healthy and 3 stale with --exit-status, 1 not found, 64 usage', async () => {
    const run = (url: string, ...args: string[]) => runCli(['event', 'get', ...args, '--host', url], { env });
    const usage = [
      ['latest', '-s', 'everything'],
      ['latest', '--stale-after', 'later'],
      ['abc'],
      ['not-an-id'],
      ['abc', '--json'],
    ];
    const [ok, outage, outageStrict, stale, staleLonger, unknown, ...bad] = await Promise.all([
      run(sims.healthy.url, 'latest', '--exit-status'),
      run(sims.outage.url, 'latest'),
      run(sims.outage.url, 'latest', '--exit-status'),
      run(sims.stalled.url, 'latest', '--exit-status'),
      run(sims.stalled.url, 'latest', '--exit-status', '--stale-after', '3h'),
      run(sims.healthy.url, '00000000-0000-7000-8000-000000000000'),
      ...usage.map((args) => run(sims.healthy.url, ...args)),
    ]);
    expect(ok.code).toBe(0);
    expect(outage.code).toBe(0);
    expect(outageStrict.code).toBe(2);
    expect(stale.code).toBe(3);
    expect(stale.stdout).toContain('verdict: stale\n');
    expect(stale.stderr).toMatch(
      /^warning: the latest event is 1h 59m old \(more than 45m, the default until a command that reads the history/,
    );
    expect(staleLonger.code).toBe(0);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error: Cluster monitor event with identifier '00000000-0000-7000-8000-000000000000' does not exist/,
    );
    expect(unknown.stderr).toMatch(/\nhint: events are kept for 72 h/);

    bad.forEach((r, i) => {
      expect(r.code, usage[i]!.join(' ')).toBe(64);
      if (!usage[i]!.includes('--json')) expect(r.stdout).toBe('');
    });
    expect(JSON.parse(bad.at(-1)!.stdout)).toMatchObject({ error: { kind: 'usage', exit_code: 64 } });
  });

  it('a unique prefix resolves; an ambiguous one lists the candidates', async () => {
    // A stalled recorder: two events 10 s apart, two hours before the start. A UUIDv7's first 8 hex
    // digits are its milliseconds / 65,536: the start is put so both fall in one such window (the
    // file's START follows the real clock, which may put a window's edge between them).
    const first = Math.ceil((START - 2 * HOUR) / 65_536) * 65_536 + 1000;
    const stalled = await startSimulator({
      scenario: 'stalled',
      clock: manualClock(first + 2 * HOUR),
      seed: 21,
      history: 2 * HOUR,
    });
    try {
      const events = stalled.model.events();
      const target = events[0]!;
      const r = await runCli(['event', 'get', target.id.slice(0, 23), '--host', stalled.url, '--json'], { env });
      expect(JSON.parse(r.stdout).id).toBe(target.id);
      expect(events.length).toBeGreaterThan(1);
      const prefix = target.id.slice(0, 8);
      expect(events.every((e) => e.id.startsWith(prefix))).toBe(true);
      const amb = await runCli(['event', 'get', prefix, '--host', stalled.url, '--utc'], { env });
      expect(amb.code).toBe(1);
      expect(amb.stderr).toContain(`error: event id prefix ${prefix} is ambiguous: ${events.length} events match\n`);
      for (const e of events) expect(amb.stderr).toContain(`  ${e.id}  `);
      expect(amb.stderr).toContain('hint: give more characters of the id');
    } finally {
      await stalled.close();
    }
  });

  it.skipIf(!hasScript)('at a terminal: verdict heading, coloured table; selector all adds the reports', async () => {
    const r = await runInPty(['event', 'get', 'latest', '--host', sims.outage.url, '-s', 'all']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('\u001b[31m'); // red for Unhealthy / not healthy
    const text = r.out.replace(SGR, '');
    expect(text.split('\n')[0]).toBe('✗ unhealthy  ·  compiler Unhealthy');
    expect(text).toMatch(BOX);
    expect(text).toMatch(/│ compiler +│ ✗ Unhealthy/);
    expect(text).toContain('compiler · ✗ Unhealthy');
    for (const line of text.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    // --json at a terminal: pretty and coloured
    const j = await runInPty(['event', 'get', 'latest', '--host', sims.outage.url, '--json']);
    expect(j.out).toContain('\u001b[');
    expect(JSON.parse(j.out.replace(SGR, ''))).toEqual(selectEvent(sims.outage.model.latest()!, 'status'));
    // NO_COLOR: the table stays, the colour goes
    const nc = await runInPty(['event', 'get', 'latest', '--host', sims.outage.url], { NO_COLOR: '1' });
    expect(nc.out).toMatch(BOX);
    expect(nc.out).not.toContain('\u001b[3');
  });

  it.skipIf(!hasScript)('the terminal path does load the table and colour modules (the hook is real)', async () => {
    const r = await runInPty(['event', 'get', 'latest', '--host', sims.healthy.url], forbidUi);
    expect(r.code).toBe(1);
    expect(r.out).toContain('forbidden import');
  });
});

describe('cluster simulate --api-key with FELDERA_API_KEY', () => {
  const key = 'apikey:e2e-0123456789abcdef';
  let sim: ReturnType<typeof startCli>;
  let url = '';
  beforeAll(async () => {
    sim = startCli(['simulate', '--port', '0', '--api-key', key, '--seed', '4'], { env });
    url = (await sim.firstLine).trim();
  });
  afterAll(async () => {
    sim.child.kill('SIGTERM');
    await sim.exited;
  });

  it('sends the key from the environment; never prints it', async () => {
    let r = await runCli(['event', 'get', 'latest', '--host', url, '--verbose'], {
      env: { ...env, FELDERA_API_KEY: key },
    });
    // the simulator records its first round about a second after it starts: ask again until then
    for (const end = Date.now() + 15_000; r.code !== 0 && /no cluster monitor events recorded yet/.test(r.stderr); ) {
      if (Date.now() > end) throw new Error('the simulator recorded no event within 15 s');
      await new Promise((res) => setTimeout(res, 100));
      r = await runCli(['event', 'get', 'latest', '--host', url, '--verbose'], {
        env: { ...env, FELDERA_API_KEY: key },
      });
    }
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id: [0-9a-f-]{36}\nverdict: healthy\n/);
    expect(r.stdout + r.stderr).not.toContain('e2e-0123456789abcdef');
    const j = await runCli(['event', 'get', 'latest', '--host', url, '--json', '-s', 'all'], {
      env: { ...env, FELDERA_API_KEY: key },
    });
    expect(Object.keys(JSON.parse(j.stdout))).toHaveLength(12);
  });

  it('without a key: not authorised, exit 1, hint to log in', async () => {
    const r = await runCli(['event', 'get', 'latest', '--host', url], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: not authorised/);
    expect(r.stderr).toMatch(/\nhint: .*`cluster login`/);
    const wrong = await runCli(['event', 'get', 'latest', '--host', url], {
      env: { ...env, FELDERA_API_KEY: 'apikey:wrong' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('not authorised: Unauthorized API key');
  });
});
