/**
 * `cluster exporter` run in-process on 127.0.0.1:0 with a buffer IO, scraped with plain GETs: for
 * the tests that read its metrics.
 */
import { newCmdExporter } from '../../src/commands/exporter.js';
import type { Clock } from '../../src/util/clock.js';
import { argvOf, invoke } from './command.js';
import { type BufferIO, bufferIO } from './io.js';
import { configWith } from './sim.js';

export interface RunningExporter {
  url: string;
  io: BufferIO;
  scrape(
    path?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; type: string | null }>;
  stop(): Promise<number>;
}

/** Start the exporter with these flags; resolves once it has printed its URL. */
export async function startExporter(
  flags: Record<string, unknown>,
  o: { configDir?: string; clock?: Clock; env?: Record<string, string> } = {},
): Promise<RunningExporter> {
  const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: o.configDir ?? configWith({}), ...o.env } });
  const ctl = new AbortController();
  const run = invoke(newCmdExporter, argvOf({ retries: '0', listen: '127.0.0.1:0', ...flags }), {
    io,
    clock: o.clock,
    signal: ctl.signal,
  });
  // Until it prints its URL or ends (a failure to start); the deadline is a safety net only.
  for (let i = 0; i < 2000 && !io.out().includes('\n'); i++) {
    if (await Promise.race([run.then(() => true), new Promise((r) => setTimeout(() => r(false), 10))])) break;
  }
  const url = io.out().split('\n')[0]!;
  if (!url.startsWith('http://')) throw new Error(`the exporter did not start: ${io.err()}`);
  const base = url.replace(/\/metrics$/, '');
  return {
    url,
    io,
    async scrape(path = '/metrics', headers = {}) {
      const res = await fetch(base + path, { headers });
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    },
    async stop() {
      ctl.abort('SIGTERM');
      return (await run).code;
    },
  };
}

/** `name{labels} value` lines of the feldera_cluster_* metrics, as a map. */
export function samples(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const hit = /^(feldera_cluster_\w+\{[^}]*\}) (\S+)$/.exec(line);
    if (hit) m.set(hit[1]!, Number(hit[2]));
  }
  return m;
}

/** The value of the first sample of `name` whose labels include `labels`. */
export function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const [key, v] of samples(text)) {
    if (!key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, l]) => key.includes(`${k}="${l}"`))) return v;
  }
  return undefined;
}
