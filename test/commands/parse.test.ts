/**
 * Parse-only tests, one block per command (gh's `Test_NewCmdX`): argv through the command's own
 * constructor under the real root → the typed options its run receives; bad argv → exit 64 with
 * the one-line message, and the run never called. No server, no config file.
 */
import { describe, expect, it } from 'vitest';
import { newCmdStatus as newCmdAuthStatus } from '../../src/commands/auth/status.js';
import { newCmdComplete, newCmdCompletion } from '../../src/commands/completion.js';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdIncidents } from '../../src/commands/event/incidents.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdTimeline } from '../../src/commands/event/timeline.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdExporter } from '../../src/commands/exporter.js';
import { newCmdLogin } from '../../src/commands/login.js';
import { newCmdLogout } from '../../src/commands/logout.js';
import { newCmdProfileList } from '../../src/commands/profile/list.js';
import { newCmdProfileUse } from '../../src/commands/profile/use.js';
import { newCmdSimulate } from '../../src/commands/simulate.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { newCmdVersion } from '../../src/commands/version.js';
import { AUTO } from '../../src/domain/staleness.js';
import { type NewCmd, parse, parseFails } from '../helpers/command.js';

const MIN = 60_000;

/** Exit 64, the message on stderr as `error: …` (matching `message`), and no options built. */
async function refused<O>(newCmd: NewCmd<O>, argv: string[], message: RegExp): Promise<void> {
  const r = await parseFails(newCmd, argv);
  expect(r.code, argv.join(' ')).toBe(64);
  expect(r.err, argv.join(' ')).toMatch(new RegExp(`^error: ${message.source}`));
  expect(r.err).toMatch(/\nhint: /);
  expect(r.opts).toBeUndefined();
}

describe('newCmdGet', () => {
  it('defaults', async () => {
    expect(await parse(newCmdGet, ['latest'])).toEqual({
      id: { kind: 'latest' },
      selector: 'status',
      json: false,
      utc: false,
      staleAfter: AUTO,
      exitStatus: false,
    });
  });
  it('every flag', async () => {
    expect(
      await parse(newCmdGet, ['0193A5C2', '-s', 'all', '--json', '--utc', '--stale-after', '30m', '--exit-status']),
    ).toEqual({
      id: { kind: 'prefix', hex: '0193a5c2', text: '0193A5C2' },
      selector: 'all',
      json: true,
      utc: true,
      staleAfter: { kind: 'fixed', ms: 30 * MIN },
      exitStatus: true,
    });
    expect((await parse(newCmdGet, ['0193A5C2-1234-7ABC-8DEF-0123456789AB'])).id).toEqual({
      kind: 'uuid',
      id: '0193a5c2-1234-7abc-8def-0123456789ab',
    });
  });
  it('--stale-after: auto (any case) or a duration, typed once', async () => {
    expect((await parse(newCmdGet, ['latest', '--stale-after', 'auto'])).staleAfter).toEqual(AUTO);
    expect((await parse(newCmdGet, ['latest', '--stale-after', 'AUTO'])).staleAfter).toEqual(AUTO);
    expect((await parse(newCmdGet, ['latest', '--stale-after', '1h30m'])).staleAfter).toEqual({
      kind: 'fixed',
      ms: 90 * MIN,
    });
  });
  it('bad argv', async () => {
    await refused(newCmdGet, [], /missing required argument 'id'/);
    await refused(
      newCmdGet,
      ['latest', '--stale-after', 'automatic'],
      /invalid --stale-after "automatic": expected auto or a duration/,
    );
    await refused(newCmdGet, ['abc'], /event id prefix "abc" is too short/);
    await refused(newCmdGet, ['latest', '-s', 'everything'], /invalid --selector "everything": expected status or all/);
    await refused(newCmdGet, ['latest', '--stale-after', 'later'], /invalid --stale-after "later"/);
    await refused(
      newCmdGet,
      ['latest', '--stale-after', '500ms'],
      /invalid --stale-after "500ms": must be at least 1s/,
    );
    await refused(newCmdGet, ['latest', '--bogus'], /unknown option '--bogus'/);
  });
});

describe('newCmdList', () => {
  it('defaults: the events view', async () => {
    expect(await parse(newCmdList, [])).toEqual({
      view: 'events',
      since: undefined,
      until: undefined,
      unhealthy: false,
      service: undefined,
      limit: undefined,
      reverse: false,
      wide: false,
      utc: false,
      json: false,
      staleAfter: AUTO,
    });
  });
  it('filters', async () => {
    expect(
      await parse(newCmdList, [
        '--since',
        '6h',
        '--until',
        '2025-12-08T12:00:00Z',
        '--unhealthy',
        '--service',
        'compiler',
        '--limit',
        '20',
        '--reverse',
        '--wide',
      ]),
    ).toMatchObject({
      view: 'events',
      since: { kind: 'ago', ms: 6 * 60 * MIN },
      until: { kind: 'at', ms: Date.parse('2025-12-08T12:00:00Z') },
      unhealthy: true,
      service: 'compiler',
      limit: 20,
      reverse: true,
      wide: true,
    });
  });
  it('--incidents and --timeline hand over to those views', async () => {
    expect(await parse(newCmdList, ['--incidents', '--service', 'runner', '--json'])).toEqual({
      view: 'incidents',
      incidents: { since: undefined, until: undefined, service: 'runner', utc: false, json: true },
    });
    expect(await parse(newCmdList, ['--timeline', '--width', '100', '--since', '2h'])).toMatchObject({
      view: 'timeline',
      timeline: { width: 100, since: { kind: 'ago', ms: 120 * MIN } },
    });
  });
  it('bad argv', async () => {
    await refused(newCmdList, ['--limit', '0'], /invalid --limit "0": expected a whole number of at least 1/);
    await refused(newCmdList, ['--service', 'db'], /invalid --service "db": expected one of api, compiler, runner/);
    await refused(newCmdList, ['--since', '1h', '--until', '2h'], /--since 1h ago is after --until 2h ago/);
    await refused(newCmdList, ['--until', '12/08/2025'], /invalid --until "12\/08\/2025"/);
    await refused(newCmdList, ['--incidents', '--timeline'], /give either --incidents or --timeline, not both/);
    await refused(newCmdList, ['--incidents', '--limit', '3'], /--limit does not apply with --incidents/);
    await refused(newCmdList, ['--incidents', '--stale-after', '1m'], /--stale-after does not apply with --incidents/);
    await refused(newCmdList, ['--timeline', '--service', 'api'], /--service does not apply with --timeline/);
    await refused(newCmdList, ['--width', '100'], /--width applies only with --timeline/);
  });
});

describe('newCmdIncidents', () => {
  it('defaults and flags', async () => {
    expect(await parse(newCmdIncidents, [])).toEqual({
      since: undefined,
      until: undefined,
      service: undefined,
      utc: false,
      json: false,
    });
    expect(await parse(newCmdIncidents, ['--service', 'api', '--since', '3d', '--utc'])).toMatchObject({
      service: 'api',
      since: { kind: 'ago', ms: 3 * 24 * 60 * MIN },
      utc: true,
    });
  });
  it('bad argv', async () => {
    await refused(newCmdIncidents, ['--since', 'yesterday'], /invalid --since "yesterday"/);
    await refused(
      newCmdIncidents,
      ['--since', '2025-12-08T12:00:00Z', '--until', '2025-12-08T11:00:00Z'],
      /--since \(2025-12-08T12:00:00\.000Z\) is after --until/,
    );
  });
});

describe('newCmdTimeline', () => {
  it('defaults and flags', async () => {
    expect(await parse(newCmdTimeline, [])).toEqual({
      since: undefined,
      staleAfter: AUTO,
      width: undefined,
      utc: false,
      json: false,
    });
    expect(await parse(newCmdTimeline, ['--width', '120', '--stale-after', '20m', '--json'])).toMatchObject({
      width: 120,
      staleAfter: { kind: 'fixed', ms: 20 * MIN },
      json: true,
    });
  });
  it('bad argv', async () => {
    await refused(
      newCmdTimeline,
      ['--width', '5'],
      /invalid --width "5": expected a whole number of columns from 20 to 2000/,
    );
    await refused(newCmdTimeline, ['--until', '1h'], /unknown option '--until'/);
  });
});

describe('newCmdWatch', () => {
  it('defaults', async () => {
    expect(await parse(newCmdWatch, [])).toEqual({
      intervalMs: 10_000,
      since: undefined,
      details: false,
      json: false,
      utc: false,
      staleAfter: AUTO,
      until: undefined,
      timeoutMs: undefined,
    });
  });
  it('every flag', async () => {
    expect(
      await parse(newCmdWatch, [
        '--interval',
        '5s',
        '--since',
        '2h',
        '--details',
        '--json',
        '--utc',
        '--stale-after',
        '15m',
        '--until',
        'healthy',
        '--timeout',
        '5m',
      ]),
    ).toEqual({
      intervalMs: 5000,
      since: { kind: 'ago', ms: 120 * MIN },
      details: true,
      json: true,
      utc: true,
      staleAfter: { kind: 'fixed', ms: 15 * MIN },
      until: 'healthy',
      timeoutMs: 5 * MIN,
    });
    expect((await parse(newCmdWatch, ['--since', '0193A5C2'])).since).toEqual({ kind: 'id', id: '0193a5c2' });
  });
  it('--exec with its timeout and when to run', async () => {
    expect((await parse(newCmdWatch, ['--exec', './notify.sh'])).exec).toEqual({
      command: './notify.sh',
      timeoutMs: 30_000,
      on: 'every',
      payload: 'event',
    });
    expect(
      (await parse(newCmdWatch, ['--exec', 'curl -s -d @- "$HOOK"', '--exec-timeout', '5s', '--exec-on', 'change']))
        .exec,
    ).toEqual({
      command: 'curl -s -d @- "$HOOK"',
      timeoutMs: 5000,
      on: 'change',
      payload: 'event',
    });
  });
  it('--exec-on transition with --for, --repeat, --exec-min-interval and a payload preset', async () => {
    const argv = ['--exec', 'x', '--exec-on', 'transition', '--for', '2m', '--repeat', '1h'];
    expect(
      (await parse(newCmdWatch, [...argv, '--exec-min-interval', '5m', '--exec-payload', 'pagerduty'])).exec,
    ).toEqual({
      command: 'x',
      timeoutMs: 30_000,
      on: 'transition',
      forMs: 120_000,
      repeatMs: 3_600_000,
      minIntervalMs: 300_000,
      payload: 'pagerduty',
    });
    expect((await parse(newCmdWatch, ['--exec', 'x', '--exec-on', 'transition', '--for', '0s'])).exec?.forMs).toBe(0);
    // The gate and the generic presets work in every mode.
    expect(
      (await parse(newCmdWatch, ['--exec', 'x', '--exec-min-interval', '1m', '--exec-payload', 'webhook'])).exec,
    ).toEqual({ command: 'x', timeoutMs: 30_000, on: 'every', minIntervalMs: 60_000, payload: 'webhook' });
  });
  it('bad argv', async () => {
    await refused(newCmdWatch, ['--interval', '500ms'], /invalid --interval "500ms": must be at least 1s/);
    await refused(
      newCmdWatch,
      ['--until', 'sometimes'],
      /invalid --until "sometimes": expected one of healthy, unhealthy, change/,
    );
    await refused(newCmdWatch, ['--timeout', 'soon'], /invalid --timeout "soon"/);
    await refused(newCmdWatch, ['--since', 'yesterday'], /invalid --since "yesterday"/);
    await refused(newCmdWatch, ['--exec-on', 'change'], /--exec-on needs --exec/);
    await refused(
      newCmdWatch,
      ['--exec-timeout', '5s', '--exec-on', 'every'],
      /--exec-timeout and --exec-on need --exec/,
    );
    await refused(
      newCmdWatch,
      ['--exec', 'x', '--exec-on', 'sometimes'],
      /invalid --exec-on "sometimes": expected one of every, change, transition/,
    );
    await refused(newCmdWatch, ['--for', '2m'], /--for needs --exec/);
    await refused(
      newCmdWatch,
      ['--exec-min-interval', '1m', '--exec-payload', 'webhook'],
      /--exec-min-interval and --exec-payload need --exec/,
    );
    await refused(newCmdWatch, ['--exec', 'x', '--for', '2m'], /--for needs --exec-on transition/);
    await refused(
      newCmdWatch,
      ['--exec', 'x', '--exec-on', 'change', '--for', '2m', '--repeat', '5m'],
      /--for and --repeat need --exec-on transition/,
    );
    await refused(
      newCmdWatch,
      ['--exec', 'x', '--exec-payload', 'alertmanager'],
      /--exec-payload alertmanager needs --exec-on transition/,
    );
    await refused(newCmdWatch, ['--exec', 'x', '--exec-payload', 'slack'], /invalid --exec-payload "slack"/);
    await refused(
      newCmdWatch,
      ['--exec', 'x', '--exec-on', 'transition', '--repeat', '500ms'],
      /invalid --repeat "500ms": must be at least 1s/,
    );
    await refused(newCmdWatch, ['--exec', 'x', '--exec-min-interval', 'soon'], /invalid --exec-min-interval "soon"/);
    await refused(newCmdWatch, ['--exec', 'x', '--exec-timeout', 'long'], /invalid --exec-timeout "long"/);
    await refused(newCmdWatch, ['--exec', ' '], /--exec needs a command/);
  });
});

describe('newCmdStatus', () => {
  it('one instance, or a fleet', async () => {
    expect(await parse(newCmdStatus, [])).toEqual({ json: false, staleAfter: AUTO, utc: false });
    expect(await parse(newCmdStatus, ['--all-profiles', '--json'])).toEqual({
      json: true,
      staleAfter: AUTO,
      utc: false,
      fleet: { all: true },
    });
    expect((await parse(newCmdStatus, ['-p', 'prod, staging,,prod'])).fleet).toEqual({ names: ['prod', 'staging'] });
  });
  it('--format: text (the default), json (as --json), nagios', async () => {
    expect(await parse(newCmdStatus, ['--format', 'text'])).toEqual({ json: false, staleAfter: AUTO, utc: false });
    expect(await parse(newCmdStatus, ['--format', 'json'])).toEqual({ json: true, staleAfter: AUTO, utc: false });
    expect(await parse(newCmdStatus, ['--format', 'json', '--json'])).toEqual({
      json: true,
      staleAfter: AUTO,
      utc: false,
    });
    expect(await parse(newCmdStatus, ['--format', 'nagios', '--stale-after', '20m'])).toEqual({
      json: false,
      staleAfter: { kind: 'fixed', ms: 20 * MIN },
      utc: false,
      nagios: true,
    });
  });
  it('bad argv', async () => {
    await refused(
      newCmdStatus,
      ['--all-profiles', '-p', 'prod'],
      /give either --all-profiles or -p\/--profiles, not both/,
    );
    await refused(newCmdStatus, ['-p', ' , '], /-p\/--profiles needs at least one profile name/);
    await refused(
      newCmdStatus,
      ['--all-profiles', '--host', 'http://127.0.0.1:1'],
      /--host cannot be combined with --all-profiles or -p/,
    );
    await refused(newCmdStatus, ['-p', 'prod', '--insecure'], /--insecure cannot be combined/);
    await refused(newCmdStatus, ['--format', 'xml'], /invalid --format "xml": expected one of text, json, nagios/);
    await refused(newCmdStatus, ['--format', 'nagios', '--json'], /--json cannot be combined with --format nagios/);
    await refused(newCmdStatus, ['--format', 'nagios', '--all-profiles'], /--format nagios checks one instance/);
  });
});

describe('newCmdExporter', () => {
  it('defaults: the current connection on 127.0.0.1:9464, Feldera read at most every 10 s', async () => {
    expect(await parse(newCmdExporter, [])).toEqual({
      listen: { host: '127.0.0.1', port: 9464 },
      minIntervalMs: 10_000,
      staleAfter: AUTO,
      allowTargets: [],
      maxConnections: 512,
    });
  });
  it('every flag', async () => {
    expect(
      await parse(newCmdExporter, [
        '--listen',
        ':9100',
        '--min-interval',
        '30s',
        '--stale-after',
        '20m',
        '--all-profiles',
      ]),
    ).toEqual({
      listen: { host: undefined, port: 9100 },
      minIntervalMs: 30_000,
      staleAfter: { kind: 'fixed', ms: 20 * MIN },
      fleet: { all: true },
      allowTargets: [],
      maxConnections: 512,
    });
    const probing = await parse(newCmdExporter, [
      '--probe-only',
      '--allow-target',
      '*.example.com',
      '--allow-target',
      'https://gw.example.com/feldera/',
      '--target-credentials',
      'creds.json',
      '--web-config',
      'web.yml',
      '--max-connections',
      '64',
    ]);
    expect(probing).toMatchObject({
      probeOnly: true,
      targetCredentials: 'creds.json',
      webConfig: 'web.yml',
      maxConnections: 64,
    });
    expect(probing.allowTargets.map((p) => p.text)).toEqual(['*.example.com', 'https://gw.example.com/feldera/']);
    expect((await parse(newCmdExporter, ['--listen', '[::1]:0'])).listen).toEqual({ host: '::1', port: 0 });
    expect((await parse(newCmdExporter, ['--listen', 'localhost:9464', '-p', 'prod,staging'])).fleet).toEqual({
      names: ['prod', 'staging'],
    });
  });
  it('bad argv', async () => {
    for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', 'host:port', '::1:9464'])
      await refused(
        newCmdExporter,
        ['--listen', bad],
        new RegExp(`invalid --listen "${bad.replace(/[.*]/g, '\\$&')}": expected HOST:PORT`),
      );
    await refused(newCmdExporter, ['--min-interval', '500ms'], /invalid --min-interval "500ms": must be at least 1s/);
    await refused(
      newCmdExporter,
      ['--all-profiles', '-p', 'prod'],
      /give either --all-profiles or -p\/--profiles, not both/,
    );
    await refused(
      newCmdExporter,
      ['-p', 'prod', '--tenant', 'acme'],
      /--tenant cannot be combined with --all-profiles or -p/,
    );
    await refused(newCmdExporter, ['--probe-only', '--all-profiles'], /give either --probe-only or --all-profiles/);
    for (const bad of ['https://user@x.example.com', 'x.example.com.', 'a**.example.com', 'http://x?y', 'x:99999'])
      await refused(
        newCmdExporter,
        ['--allow-target', bad],
        new RegExp(`invalid --allow-target "${bad.replace(/[.*?]/g, '\\$&')}"`),
      );
    await refused(newCmdExporter, ['--max-connections', '2'], /invalid --max-connections "2"/);
  });
});

describe('newCmdCompletion / newCmdComplete', () => {
  it('a shell; the words to complete, flags among them', async () => {
    expect(await parse(newCmdCompletion, ['zsh'])).toEqual({ shell: 'zsh' });
    const words = (await parse(newCmdComplete, ['--', 'status', '--format', ''])).words;
    expect(words).toEqual(['status', '--format', '']);
  });
  it('bad argv', async () => {
    await refused(newCmdCompletion, [], /missing required argument 'shell'/);
    await refused(
      newCmdCompletion,
      ['powershell'],
      /command-argument value 'powershell' is invalid for argument 'shell'/,
    );
  });
});

describe('newCmdLogin', () => {
  it('flags', async () => {
    expect(await parse(newCmdLogin, [])).toEqual({ apiKeyStdin: false, verify: true });
    expect(await parse(newCmdLogin, ['--api-key-stdin', '--no-verify'])).toEqual({ apiKeyStdin: true, verify: false });
    expect(await parse(newCmdLogin, ['--token-command', 'gcloud auth print-identity-token'])).toEqual({
      apiKeyStdin: false,
      verify: true,
      tokenCommand: 'gcloud auth print-identity-token',
    });
  });
  it('bad argv', async () => {
    await refused(
      newCmdLogin,
      ['--api-key-stdin', '--token-command', 'x'],
      /--api-key-stdin and --token-command exclude each other/,
    );
    await refused(newCmdLogin, ['--token-command', ' '], /--token-command needs a command/);
    await refused(newCmdLogin, ['--api-key', 'apikey:x'], /unknown option '--api-key'/);
  });
});

describe('newCmdLogout', () => {
  it('flags', async () => {
    expect(await parse(newCmdLogout, [])).toEqual({ all: false });
    expect(await parse(newCmdLogout, ['--all'])).toEqual({ all: true });
  });
  it('bad argv', async () => {
    await refused(newCmdLogout, ['--all', '--profile', 'prod'], /--all and --profile exclude each other/);
  });
});

describe('newCmdProfileList / newCmdProfileUse / auth status', () => {
  it('flags', async () => {
    expect(await parse(newCmdProfileList, ['--json'])).toEqual({ json: true });
    expect(await parse(newCmdProfileUse, ['prod'])).toEqual({ name: 'prod' });
    expect(await parse(newCmdAuthStatus, [])).toEqual({ json: false });
  });
  it('bad argv', async () => {
    await refused(newCmdProfileUse, [], /missing required argument 'name'/);
    await refused(newCmdProfileList, ['extra'], /too many arguments/);
  });
});

describe('newCmdVersion', () => {
  it('defaults and flags', async () => {
    expect(await parse(newCmdVersion, [])).toEqual({ json: false, client: false });
    expect(await parse(newCmdVersion, ['--client', '--json'])).toEqual({ json: true, client: true });
  });
  it('bad argv', async () => {
    await refused(newCmdVersion, ['--server'], /unknown option '--server'/);
    await refused(newCmdVersion, ['extra'], /too many arguments/);
  });
});

describe('newCmdSimulate', () => {
  it('defaults and flags', async () => {
    const d = await parse(newCmdSimulate, []);
    expect(d).toMatchObject({ port: 8080, speed: 1, edition: 'community', omitRoutes: [] });
    expect(d.scenario.name).toBe('healthy');
    const o = await parse(newCmdSimulate, [
      '--port',
      '0',
      '--scenario',
      'flapping',
      '--speed',
      '60x',
      '--history',
      '2h',
      '--seed',
      '7',
      '--api-key',
      'apikey:k',
      '--edition',
      'enterprise',
      '--omit-route',
      'cluster_healthz',
      '--omit-route',
      'cluster_events',
    ]);
    expect(o).toMatchObject({
      port: 0,
      speed: 60,
      history: 120 * MIN,
      seed: 7,
      apiKey: 'apikey:k',
      edition: 'enterprise',
      omitRoutes: ['cluster_healthz', 'cluster_events'],
    });
    expect(o.scenario.name).toBe('flapping');
  });
  it('bad argv', async () => {
    await refused(newCmdSimulate, ['--port', '70000'], /invalid --port "70000"/);
    await refused(newCmdSimulate, ['--scenario', 'calm'], /unknown scenario "calm"/);
    await refused(newCmdSimulate, ['--edition', 'pro'], /invalid --edition "pro": expected community or enterprise/);
  });
  it('--tls, --tls-name, --cert-out', async () => {
    expect((await parse(newCmdSimulate, [])).tls).toBeUndefined();
    expect((await parse(newCmdSimulate, ['--tls'])).tls).toEqual({ names: [] });
    expect(
      (
        await parse(newCmdSimulate, [
          '--tls',
          '--tls-name',
          'Feldera.Test',
          '--tls-name',
          '10.1.2.3',
          '--tls-name',
          'fe80::1',
          '--cert-out',
          'c.pem',
        ])
      ).tls,
    ).toEqual({
      names: ['feldera.test', '10.1.2.3', 'fe80::1'],
      certOut: 'c.pem',
    });
    await refused(newCmdSimulate, ['--tls-name', 'a.test'], /--tls-name needs --tls/);
    await refused(newCmdSimulate, ['--cert-out', 'c.pem'], /--cert-out needs --tls/);
    await refused(newCmdSimulate, ['--tls', '--tls-name', 'bad name'], /invalid --tls-name "bad name"/);
    await refused(newCmdSimulate, ['--tls', '--tls-name', '-x.test'], /invalid --tls-name "-x.test"/);
  });
});
