/**
 * Shared by the history/status command tests: a simulator on a manual clock, and a way to run a
 * command's `run` in-process with a buffer IO, a temp config dir and the simulator as --host.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GlobalFlags } from '../../src/config/connection.js';
import type { CliError } from '../../src/errors.js';
import {
  type ManualClock,
  manualClock,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import { argvOf, invoke, type NewCmd } from './command.js';
import { bufferIO } from './io.js';
import { registerSimClock, simClockFor } from './sim-clock.js';

export const T0 = Date.UTC(2025, 11, 8, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

export type Sim = Simulator & { clock: ManualClock };

/** A simulator whose time moves only when the test says so; starts at T0 unless told. */
export async function sim(opts: SimulatorOptions = {}): Promise<Sim> {
  const clock = manualClock(opts.start ?? T0);
  const s = (await startSimulator({ seed: 42, ...opts, clock })) as Sim;
  const forget = registerSimClock(s.url, clock);
  const close = s.close.bind(s);
  s.close = () => {
    forget();
    return close();
  };
  return s;
}

/** A local clock that agrees with the simulator the run talks to (undefined: the system clock). */
export function clockFor(ro: RunOptions): Clock | undefined {
  return simClockFor(ro.host === undefined ? [] : [ro.host], ro.configDir ?? EMPTY_CONFIG_DIR);
}

export interface Ran {
  code: number;
  out: string;
  err: string;
  /** The CliError that ended the run, if one did (the CLI would print it and exit with its code). */
  error?: CliError;
}

export interface RunOptions {
  host?: string;
  tty?: boolean;
  color?: boolean;
  columns?: number;
  env?: Record<string, string | undefined>;
  flags?: GlobalFlags;
  configDir?: string;
  /** The local clock (default: one that agrees with the simulator the run talks to, else the system's). */
  clock?: Clock;
}

export const EMPTY_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'cluster-history-'));

/** Run a command in-process: `opts` are its flags as named in code (`{ since: '6h' }`), parsed as the CLI parses them. */
export async function runCommand<O>(
  newCmd: NewCmd<O>,
  opts: Record<string, unknown>,
  ro: RunOptions = {},
): Promise<Ran> {
  const io = bufferIO({
    stdoutIsTTY: ro.tty ?? false,
    stderrIsTTY: false,
    color: ro.color ?? false,
    columns: ro.columns ?? 100,
    env: { CLUSTER_CONFIG_DIR: ro.configDir ?? EMPTY_CONFIG_DIR, ...ro.env },
  });
  const flags: GlobalFlags = { retries: '0', ...(ro.host !== undefined && { host: ro.host }), ...ro.flags };
  const clock = ro.clock ?? clockFor(ro);
  const r = await invoke(newCmd, argvOf({ ...flags, ...opts }), { io, ...(clock && { clock }) });
  return { code: r.code, out: r.out, err: r.err, ...(r.error && { error: r.error }) };
}

/** GET a path from the simulator as JSON (to compare with what the command printed). */
export function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    })
      .on('error', reject)
      .end();
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A server that accepts and answers nothing for `delayMs` (then a 504), like a hung instance. */
export async function slowServer(
  delayMs: number,
): Promise<{ url: string; close(): Promise<void>; server: Server; requests: string[]; mostAtOnce(): number }> {
  const requests: string[] = [];
  let open = 0;
  let most = 0;
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    most = Math.max(most, ++open);
    res.on('close', () => open--);
    const t = setTimeout(() => {
      res.writeHead(504, { 'content-type': 'text/plain' });
      res.end('too late');
    }, delayMs);
    res.on('close', () => clearTimeout(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    requests,
    /** The most requests it held at one time. */
    mostAtOnce: () => most,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A config dir with these profiles (host only, no credentials). */
export function configWith(profiles: Record<string, string>, current?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-fleet-'));
  const data = {
    ...(current && { current }),
    profiles: Object.fromEntries(
      Object.entries(profiles).map(([name, host]) => [name, { host, auth: { kind: 'none' } }]),
    ),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(data), { mode: 0o600 });
  return dir;
}

/** Rows of piped output, split into cells. */
export function rows(out: string): string[][] {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}
