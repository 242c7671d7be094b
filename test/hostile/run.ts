/**
 * One fuzz case: a command, in-process through its own parser, against the hostile server, in
 * one output mode; then what must hold whatever the server sent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { newCmdStatus as newCmdAuthStatus } from '../../src/commands/auth/status.js';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdIncidents } from '../../src/commands/event/incidents.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdTimeline } from '../../src/commands/event/timeline.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { EXIT } from '../../src/errors.js';
import { invoke, type NewCmd } from '../helpers/command.js';
import { bufferIO } from '../helpers/io.js';
import { type Endpoint, EVENT_ID } from './server.js';

/** The credential every case sends (loopback http, so it is sent); the server may reflect it anywhere. */
export const KEY = `apikey:${'Fz9'.repeat(42)}q7`;

type Cmd = { name: string; newCmd: NewCmd<unknown>; argv: string[]; json: boolean };
const cmd = <O>(name: string, newCmd: NewCmd<O>, argv: string[], json = true): Cmd => ({
  name,
  newCmd: newCmd as unknown as NewCmd<unknown>,
  argv,
  json,
});

/** The commands that read each endpoint. */
export const READERS: Record<Endpoint, Cmd[]> = {
  latest: [
    cmd('event get latest', newCmdGet, ['latest', '--exit-status']),
    cmd('event watch', newCmdWatch, ['--timeout', '15s', '--interval', '5s']),
  ],
  'latest-all': [
    cmd('event get -s all', newCmdGet, [EVENT_ID, '-s', 'all']),
    cmd('event watch --details', newCmdWatch, ['--details', '--timeout', '15s', '--interval', '5s']),
  ],
  list: [
    cmd('event list', newCmdList, ['--since', '3d']),
    cmd('event incidents', newCmdIncidents, []),
    cmd('event timeline', newCmdTimeline, ['--width', '90']),
    cmd('event get prefix', newCmdGet, ['019AFE41']),
    cmd('event watch --since', newCmdWatch, ['--since', '1d', '--timeout', '15s', '--interval', '5s']),
  ],
  healthz: [cmd('status', newCmdStatus, [])],
  config: [cmd('auth status', newCmdAuthStatus, [])],
  session: [cmd('auth status', newCmdAuthStatus, [])],
  authentication: [cmd('auth status', newCmdAuthStatus, [])],
};

export type Mode = 'pipe' | 'forced colour' | 'terminal';
export const MODES: readonly Mode[] = ['pipe', 'forced colour', 'terminal'];

const CONFIG_DIR = mkdtempSync(join(tmpdir(), 'cluster-hostile-'));
const ALLOWED = new Set<number>([EXIT.OK, EXIT.FAILURE, EXIT.UNHEALTHY, EXIT.STALE, EXIT.TIMEOUT]);
// Our own escape sequences: colours, and the watch status line's erase.
// eslint-disable-next-line no-control-regex
const OURS = /\u001b\[[0-9;]*m|\r\u001b\[2K/g;
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const STACK = /\n\s+at \S.*:\d+:\d+|unexpected failure|Maximum call stack|RangeError|TypeError/;

function ioFor(mode: Mode, columns: number) {
  const env = { CLUSTER_CONFIG_DIR: CONFIG_DIR, FELDERA_API_KEY: KEY };
  if (mode === 'pipe') return bufferIO({ env });
  if (mode === 'forced colour') return bufferIO({ env, color: true, colorErr: true });
  return bufferIO({
    env,
    stdoutIsTTY: true,
    stderrIsTTY: true,
    color: true,
    colorErr: true,
    columns,
    stderrColumns: columns,
  });
}

export interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** Run `c` against `host` in `mode`; the watch runs on a clock whose waits take no time. */
export async function runCase(
  host: string,
  c: Cmd,
  mode: Mode,
  json: boolean,
  columns: number,
  requestTimeoutS = 0.25,
): Promise<Outcome> {
  const io = ioFor(mode, columns);
  let t = Date.parse('2025-12-08T14:10:00Z');
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  const argv = [
    ...c.argv,
    ...(json && c.json ? ['--json'] : []),
    '--host',
    host,
    '--retries',
    '0',
    '--request-timeout',
    String(requestTimeoutS),
  ];
  const r = await invoke(c.newCmd, argv, { io, clock });
  return { code: r.code, out: io.out(), err: io.err() };
}

/** What holds whatever the server sent. */
export function checkOutcome(o: Outcome, json: boolean, watch: boolean): void {
  const all = o.out + o.err;
  expect(ALLOWED.has(o.code), `exit ${o.code}`).toBe(true);
  if (o.code === EXIT.TIMEOUT) expect(watch).toBe(true);
  expect(all).not.toMatch(STACK);
  expect(o.out.replace(OURS, '')).not.toMatch(RAW);
  expect(o.err.replace(OURS, '')).not.toMatch(RAW);
  expect(all).not.toContain(KEY);
  if (json) {
    // Only JSON on stdout: one document, or one per line for watch.
    const whole = o.out.trim() === '' ? [] : [o.out];
    const docs = watch ? o.out.split('\n').filter((l) => l !== '') : whole;
    for (const d of docs) expect(() => JSON.parse(d.replace(OURS, '')), d.slice(0, 200)).not.toThrow();
    if (!watch && o.code !== EXIT.OK && o.code !== EXIT.UNHEALTHY && o.code !== EXIT.STALE)
      expect(JSON.parse(o.out.replace(OURS, ''))).toHaveProperty('error');
  }
}
