/**
 * `event get` against a deliberately misbehaving server on 127.0.0.1: hostile text in the
 * reports, an `all_healthy` that contradicts the statuses, no Date header.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdGet } from '../../../src/commands/event/get.js';
import { EXIT } from '../../../src/errors.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, invoke } from '../../helpers/command.js';
import { type BufferIO, bufferIO } from '../../helpers/io.js';

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NOW = Date.parse('2025-12-08T14:10:00Z');

const hostileEvent = {
  id: '019afe41-4c7c-72be-a474-68be688e548d',
  recorded_at: '2025-12-08T14:05:03.645735Z',
  all_healthy: false,
  api_status: 'Healthy',
  api_self_info: 'Healthy \u001b[2J\u001b[H\u001b]0;owned title\u0007 after-clear',
  api_resources_info: '\u001b]8;;https://evil.example/\u001b\\click me\u001b]8;;\u001b\\',
  compiler_status: 'Unhealthy',
  compiler_self_info:
    'Unhealthy:\r\n\tline two \u009b31m c1-csi \u202eexe.txt\u202c\r overwrite \u0008\u0008\u0008 bs \u0000 nul',
  compiler_resources_info: 'Resources\u0085next-line \u2028sep \u001bc reset',
  runner_status: 'InitialUnhealthy',
  runner_self_info: null,
  runner_resources_info: 'x'.repeat(300),
};

const liar = {
  id: '019afe41-4c7c-72be-a474-68be688e5490',
  recorded_at: '2025-12-08T14:05:03.645735Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Unhealthy',
  runner_status: 'Healthy',
};

let server: Server;
let url = '';
const configDir = tempConfigDir();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', date: new Date(NOW).toUTCString(), ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/v0/cluster/events/latest') return send(200, hostileEvent);
    if (path === `/v0/cluster/events/${liar.id}`) return send(200, liar);
    if (path === '/v0/cluster/events/019afe41-0000-7000-8000-000000000000') {
      // no Date header: age and staleness fall back to the local clock
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          ...liar,
          id: '019afe41-0000-7000-8000-000000000000',
          all_healthy: true,
          compiler_status: 'Healthy',
        }),
      );
    }
    if (path === '/v0/cluster/events/019afe41-1111-7000-8000-000000000000') {
      return send(500, { message: 'db down \u001b[31mRED\u001b[0m\u0007', error_code: 'DB\u001b[2J', details: {} });
    }
    if (path === '/v0/cluster/events')
      return send(200, [
        liar,
        { ...liar, id: '019afe41-4c7c-72be-a474-68be688e5491', recorded_at: '2025-12-08T14:04:03.000001Z' },
      ]);
    send(404, { message: 'nope', error_code: 'UnknownClusterMonitorEvent', details: {} });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** `event get` flags as named in code: `{ selector: 'all', json: true }`. */
type GetOptions = Record<string, string | boolean>;

async function get(id: string, opts: GetOptions, io: Partial<BufferIO> = {}, local = NOW, verbose = false) {
  const b = bufferIO({ env: { CLUSTER_CONFIG_DIR: configDir }, ...io });
  const argv = [
    id,
    ...argvOf({
      selector: 'status',
      staleAfter: '12m',
      ...opts,
      host: url,
      retries: '0',
      verbose: verbose || undefined,
    }),
  ];
  const r = await invoke(newCmdGet, argv, { io: b, clock: { now: () => local, sleep: async () => {} } });
  return r.error ? { error: r.error, io: b } : { code: r.code, io: b };
}

describe('hostile server text', () => {
  const forms: [string, GetOptions, Partial<BufferIO>][] = [
    ['piped', { selector: 'all' }, {}],
    ['terminal', { selector: 'all' }, { stdoutIsTTY: true, color: false, columns: 80 }],
    ['terminal, coloured', { selector: 'all' }, { stdoutIsTTY: true, color: true, columns: 80 }],
    ['--json piped', { selector: 'all', json: true }, {}],
    ['--json terminal', { selector: 'all', json: true }, { stdoutIsTTY: true, color: true }],
  ];
  for (const [name, opts, io] of forms) {
    it(`never reaches the output raw (${name})`, async () => {
      const r = await get('latest', opts, io);
      expect(r.code).toBe(0);
      const out = r.io.out();
      // our own colour codes are the only escape sequences
      expect(out.replace(SGR, '')).not.toMatch(RAW);
      expect(out).not.toContain('owned title\u0007');
      if (opts.json) expect(JSON.parse(out.replace(SGR, ''))).toEqual(hostileEvent);
      else expect(out).toContain('after-clear');
    });
  }

  it('keeps the words and the line structure readable', async () => {
    const r = await get('latest', { selector: 'all' }, { stdoutIsTTY: true, columns: 80 });
    const text = r.io.out();
    // CR LF and a lone CR became line breaks, the tab became spaces, the indentation is kept under the label
    expect(text).toContain(
      '  self check  Unhealthy:\n' +
        ' '.repeat(14) +
        '    line two  c1-csi \\u202eexe.txt\\u202c\n' +
        ' '.repeat(14) +
        ' overwrite',
    );
    expect(text).toContain('  self check  Healthy  after-clear\n  resources   click me\n');
    expect(text).toContain('\\u0008\\u0008\\u0008 bs \\u0000 nul');
    const piped = (await get('latest', { selector: 'all' })).io.out();
    expect(piped).toContain('compiler_self_info: Unhealthy:\ncompiler_self_info:     line two');
    expect(piped).toContain('api_resources_info: click me\n');
  });
});

describe('all_healthy disagreeing with the statuses', () => {
  it('is a warning on stderr, shown as not healthy, exit 2 with --exit-status; the JSON stays as sent', async () => {
    const r = await get(liar.id, { exitStatus: true });
    expect(r.code).toBe(EXIT.UNHEALTHY);
    expect(r.io.out()).toContain('verdict: unhealthy\n');
    expect(r.io.out()).toContain('all_healthy: true\n');
    expect(r.io.err()).toBe(
      'warning: the server says all_healthy is true, but compiler is Unhealthy; treating the event as not healthy\n',
    );
    const j = await get(liar.id, { json: true, exitStatus: true });
    expect(j.code).toBe(EXIT.UNHEALTHY);
    expect(j.io.out()).toBe(`${JSON.stringify(liar)}\n`);
    expect(j.io.err()).toMatch(/^warning: the server says all_healthy is true/);
  });

  it('the terminal heading carries it too', async () => {
    const r = await get(liar.id, {}, { stdoutIsTTY: true, columns: 100 });
    expect(r.io.out()).toContain('! the server says all_healthy is true, but compiler is Unhealthy');
  });
});

describe('misc server behaviour', () => {
  it('without a Date header the age comes from the local clock (said with --verbose)', async () => {
    const id = '019afe41-0000-7000-8000-000000000000';
    const r = await get(id, {}, {}, Date.parse('2025-12-08T14:05:03.645735Z') + 125_000, true);
    expect(r.io.out()).toContain('age: 2m 5s\n');
    expect(r.io.err()).toContain('the server sent no usable Date header');
  });

  it('a server error message is sanitised into one line', async () => {
    const r = await get('019afe41-1111-7000-8000-000000000000', {});
    expect(r.error?.exitCode).toBe(EXIT.FAILURE);
    expect(r.error?.message).not.toMatch(RAW);
    expect(r.error?.message).toContain('db down RED');
  });

  it('an ambiguous prefix lists the candidates, newest first, with times and verdicts', async () => {
    const r = await get('019afe41-4c7c-72be-a474-68be688e549', { utc: true });
    expect(r.error?.message).toBe(
      [
        'event id prefix 019afe41-4c7c-72be-a474-68be688e549 is ambiguous: 2 events match',
        '  019afe41-4c7c-72be-a474-68be688e5490  2025-12-08 14:05:03Z  unhealthy',
        '  019afe41-4c7c-72be-a474-68be688e5491  2025-12-08 14:04:03Z  unhealthy',
      ].join('\n'),
    );
  });
});
