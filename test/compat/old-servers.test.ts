/**
 * Older Feldera servers, played by fake servers: v0.121–v0.200 (`/v0/cluster_healthz` with
 * `{runner, compiler}` only, no event routes) and v0.201–v0.335 (`unchanged_since` is the latest
 * event's `recorded_at`); and the timestamp forms every version sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdIncidents } from '../../src/commands/event/incidents.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdTimeline } from '../../src/commands/event/timeline.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { EXIT } from '../../src/errors.js';
import { tempConfigDir } from '../helpers/cli.js';
import { invoke } from '../helpers/command.js';
import { EVENT, type FakeServer, fakeServer } from '../helpers/fake-server.js';
import { bufferIO } from '../helpers/io.js';
import { oldFeldera } from '../helpers/old-feldera.js';
import { runCommand } from '../helpers/sim.js';

describe('Feldera v0.121–v0.200', () => {
  let up: FakeServer;
  let down: FakeServer;
  let silent: FakeServer;
  beforeAll(async () => {
    [up, down, silent] = await Promise.all([
      oldFeldera(),
      oldFeldera({ runner: false }),
      oldFeldera({ checkedAgoMs: 60 * 60_000 }),
    ]);
  });
  afterAll(() => Promise.all([up.close(), down.close(), silent.close()]));

  it('status: the verdict from {runner, compiler} (api answered, so healthy); exit 0, 2, and 3 when its checks stopped', async () => {
    const ok = await runCommand(newCmdStatus, {}, { host: up.url });
    expect(ok.code).toBe(EXIT.OK);
    // api was never reported, so since when the cluster has been healthy is not known
    expect(ok.out).toMatch(/^verdict: healthy\nsince: unknown\nreason: api, compiler and runner healthy\n/);
    expect(ok.out).toContain('api_unchanged_since: unknown\n');
    expect(ok.out).toMatch(/\nrunner_unchanged_since: \S+\.\d{9}Z\n/); // the server kept it itself: shown
    const bad = await runCommand(newCmdStatus, {}, { host: down.url, tty: true, columns: 120 });
    expect(bad.code).toBe(EXIT.UNHEALTHY);
    expect(bad.out.split('\n')[0]).toMatch(/^✗ unhealthy since \S+ \(.* ago\) {2}· {2}runner Unhealthy$/);
    expect(bad.out).toContain('Feldera v0.121–v0.200: compiler and runner only; api answered, so taken as healthy');
    expect(bad.out).toMatch(/\napi +✓ Healthy +unknown +answered this request/);
    const stale = await runCommand(newCmdStatus, {}, { host: silent.url });
    expect(stale.code).toBe(EXIT.STALE);
    const json = await runCommand(newCmdStatus, { json: true }, { host: down.url });
    expect(json.code).toBe(EXIT.UNHEALTHY);
    expect(Object.keys(JSON.parse(json.out))).toEqual(['runner', 'compiler']); // as the server sent it
  });

  it('event commands: this Feldera version predates cluster events, exit 1, use status', async () => {
    const runs = await Promise.all([
      runCommand(newCmdList, {}, { host: up.url }),
      runCommand(newCmdIncidents, { json: true }, { host: up.url }),
      runCommand(newCmdTimeline, {}, { host: up.url }),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(EXIT.FAILURE);
      expect(r.error?.message).toBe(
        `${up.url} runs Feldera 0.150.0, which predates cluster monitor events (added in v0.201.0): /v0/cluster/events answered 404`,
      );
      expect(r.error?.hint).toMatch(
        /^use `cluster status`, which reads \/v0\/cluster_healthz \(Feldera v0\.121\.0 and newer\)/,
      );
    }
    expect(JSON.parse(runs[1]!.out)).toMatchObject({ error: { kind: 'no-api', exit_code: 1 } });
  });

  it('event get latest and event watch say the same', async () => {
    for (const [cmd, argv] of [
      [newCmdGet, ['latest']],
      [newCmdWatch, []],
    ] as const) {
      const r = await invoke(cmd as never, [...argv, '--host', up.url, '--retries', '0'], {
        io: bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } }),
      });
      expect(r.code).toBe(EXIT.FAILURE);
      expect(r.error?.message).toMatch(/runs Feldera 0\.150\.0, which predates cluster monitor events/);
    }
  });

  it('older still (no /v0/cluster_healthz): status says the version predates it', async () => {
    const ancient = await oldFeldera({ version: '0.100.0', noHealthz: true });
    try {
      const r = await runCommand(newCmdStatus, {}, { host: ancient.url });
      expect(r.code).toBe(EXIT.FAILURE);
      expect(r.error?.message).toBe(
        `${ancient.url} runs Feldera 0.100.0, which predates /v0/cluster_healthz (added in v0.121.0)`,
      );
    } finally {
      await ancient.close();
    }
  });
});

describe('timestamps in every form chrono writes', () => {
  it("0, 3, 6 (and a v0.121 server's 9) fraction digits are accepted, and --json prints them unchanged", async () => {
    const forms = ['2025-12-08T14:03:05Z', '2025-12-08T14:03:05.120Z', '2025-12-08T14:03:05.120431Z'];
    const events = forms.map((recorded_at, i) => ({ ...EVENT, id: EVENT.id.replace(/.$/, String(i)), recorded_at }));
    const s = await fakeServer((req) =>
      req.url?.startsWith('/v0/cluster/events/')
        ? { status: 200, json: events[2] }
        : { status: 200, json: [...events].reverse() },
    );
    try {
      const list = await runCommand(newCmdList, { json: true, staleAfter: '1000d' }, { host: s.url });
      expect(list.code).toBe(EXIT.OK);
      expect((JSON.parse(list.out) as { recorded_at: string }[]).map((e) => e.recorded_at)).toEqual(
        [...forms].reverse(),
      );
      const plain = await runCommand(newCmdList, { staleAfter: '1000d', reverse: true }, { host: s.url });
      expect(
        plain.out
          .split('\n')
          .slice(0, 3)
          .map((l) => l.split('\t')[1]),
      ).toEqual(forms);
    } finally {
      await s.close();
    }
  });
});

describe('unchanged_since equal to checked_at: believed on v0.336+, unknown on v0.201–v0.335', () => {
  /** A server of `version` whose health answer says every service changed at the latest check, a minute ago. */
  async function server(version: string | undefined, opts: { since?: string } = {}) {
    const at = new Date(Date.now() - 60_000).toISOString();
    const svc = { healthy: true, message: 'Healthy: ok', unchanged_since: opts.since ?? at, checked_at: at };
    const body = { all_healthy: true, api: svc, compiler: svc, runner: svc };
    const latest = { ...EVENT, recorded_at: at, all_healthy: true };
    const s = await fakeServer((req) => {
      if (req.url === '/v0/config')
        return version ? { status: 200, json: { edition: 'Open source', version, revision: 'r' } } : { status: 404 };
      if (req.url?.startsWith('/v0/cluster/events/latest')) return { status: 200, json: latest };
      return { status: 200, json: body };
    });
    return { s, body, at };
  }

  it('v0.300: shown as unknown, and --verbose says why; --json is untouched', async () => {
    const { s, body } = await server('0.300.0');
    try {
      const configDir = tempConfigDir();
      const r = await runCommand(newCmdStatus, {}, { host: s.url, configDir, flags: { verbose: true } });
      expect(r.code).toBe(EXIT.OK);
      expect(r.out).toContain('since: unknown\n');
      expect(r.out).toContain('api_unchanged_since: unknown\n');
      expect(r.err).toMatch(
        /unchanged_since equals checked_at for api, compiler, runner and \S+ is not known to run Feldera v0\.336 or newer/,
      );
      const t = await runCommand(newCmdStatus, {}, { host: s.url, configDir, tty: true });
      expect(t.out).toMatch(/\napi +✓ Healthy +unknown +Healthy: ok/);
      expect(JSON.parse((await runCommand(newCmdStatus, { json: true }, { host: s.url, configDir })).out)).toEqual(
        body,
      );
    } finally {
      await s.close();
    }
  });

  it('v0.337: believed — every service changed at the latest check, a minute ago', async () => {
    const { s, at } = await server('0.337.0');
    try {
      const r = await runCommand(newCmdStatus, {}, { host: s.url, configDir: tempConfigDir() });
      expect(r.code).toBe(EXIT.OK);
      expect(r.out).toContain(`since: ${at}\n`);
      expect(r.out).toContain(`runner_unchanged_since: ${at}\n`);
    } finally {
      await s.close();
    }
  });

  it('the version is asked beside the health answer, then remembered: the next status asks only for health', async () => {
    const { s } = await server('0.337.0');
    try {
      const configDir = tempConfigDir();
      await runCommand(newCmdStatus, {}, { host: s.url, configDir });
      expect(s.seen.filter((x) => x.url === '/v0/config')).toHaveLength(1);
      const again = await runCommand(newCmdStatus, {}, { host: s.url, configDir });
      expect(again.out).not.toContain('since: unknown');
      expect(s.seen.filter((x) => x.url === '/v0/config')).toHaveLength(1);
      expect(s.seen.filter((x) => x.url === '/v0/cluster_healthz')).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it('a server that does not say its version: unknown; an unchanged_since older than checked_at proves v0.336+ anyway', async () => {
    const quiet = await server(undefined);
    const proving = await server(undefined, { since: new Date(Date.now() - 3_600_000).toISOString() });
    try {
      const a = await runCommand(newCmdStatus, {}, { host: quiet.s.url, configDir: tempConfigDir() });
      expect(a.out).toContain('since: unknown\n');
      const b = await runCommand(newCmdStatus, {}, { host: proving.s.url, configDir: tempConfigDir() });
      expect(b.out).toMatch(/\nsince: \S+Z\n/);
    } finally {
      await Promise.all([quiet.s.close(), proving.s.close()]);
    }
  });

  it('a remembered v0.300 contradicted by the answer (an upgrade) is asked again next time', async () => {
    const old = await server('0.300.0');
    const configDir = tempConfigDir();
    try {
      await runCommand(newCmdStatus, {}, { host: old.s.url, configDir });
    } finally {
      await old.s.close();
    }
    // The same address now runs v0.337 and answers an unchanged_since older than checked_at.
    const port = new URL(old.s.url).port;
    const upgraded = await fakeServer(
      (req) => {
        const at = new Date(Date.now() - 60_000).toISOString();
        const svc = {
          healthy: true,
          message: 'ok',
          unchanged_since: new Date(Date.now() - 3_600_000).toISOString(),
          checked_at: at,
        };
        if (req.url === '/v0/config')
          return { status: 200, json: { edition: 'Open source', version: '0.337.0', revision: 'r' } };
        if (req.url?.startsWith('/v0/cluster/events/latest'))
          return { status: 200, json: { ...EVENT, recorded_at: at, all_healthy: true } };
        return { status: 200, json: { all_healthy: true, api: svc, compiler: svc, runner: svc } };
      },
      undefined,
      '127.0.0.1',
      Number(port),
    ).catch(() => undefined);
    if (!upgraded) return; // the port was taken meanwhile: nothing to learn from this run
    try {
      const r = await runCommand(newCmdStatus, {}, { host: upgraded.url, configDir, flags: { verbose: true } });
      expect(r.out).toMatch(/\nsince: \S+Z\n/);
      expect(r.err).toMatch(/no longer answers as Feldera 0\.300\.0 did: its version will be asked again/);
      await runCommand(newCmdStatus, {}, { host: upgraded.url, configDir });
      expect(upgraded.seen.filter((x) => x.url === '/v0/config')).toHaveLength(1);
    } finally {
      await upgraded.close();
    }
  });
});
