/**
 * Many simulated Feldera instances in one process (`cluster simulate --instances N`): one HTTP
 * server on 127.0.0.1, instance `n` (from 0) under the path prefix `/i/<n>` — its base URL is
 * `http://127.0.0.1:PORT/i/<n>`, so `GET /i/<n>/v0/cluster_healthz` is its health — each with its
 * own monitor model, scenario (the list given, in turn) and seed (the seed given plus `n`), all on
 * one clock. `GET /instances` lists them as an `http_sd_configs` target list (the base URL as
 * the target, `scenario` and `seed` as labels), from which a file_sd file is one `jq` away.
 *
 * One port rather than N: Prometheus addresses each instance by URL through the exporter's
 * `/probe?target=`, and a thousand instances cost one listening socket. Memory grows with the
 * events each keeps (at most 1000 each, Feldera's retention): pre-filled history or long runs at
 * high speed across a thousand instances can hold a lot.
 */
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SimClock, scaledClock } from './clock.js';
import { createModel } from './model.js';
import type { Scenario } from './scenario.js';
import { createRequestHandler } from './server.js';
import type { Edition } from './texts.js';

export interface FleetOptions {
  count: number;
  /** Instance `n` plays `scenarios[n % scenarios.length]`. */
  scenarios: readonly Scenario[];
  port?: number;
  speed?: number;
  /** Instance `n` gets `seed + n`. Default: random. */
  seed?: number;
  /** Pre-filled history, ms (default: each scenario's own, else 0). */
  history?: number;
  edition?: Edition;
  apiKey?: string;
  clock?: SimClock;
  verbose?: boolean;
  log?: (line: string) => void;
}

export interface FleetInstance {
  url: string;
  scenario: string;
  seed: number;
}

export interface FleetSimulator {
  url: string;
  port: number;
  instances: FleetInstance[];
  server: Server;
  clock: SimClock;
  close(): Promise<void>;
}

export const INSTANCE_PREFIX = '/i/';
const INSTANCE_PATH = /^\/i\/(\d{1,6})(\/.*)?$/;

export async function startFleetSimulator(o: FleetOptions): Promise<FleetSimulator> {
  if (!Number.isInteger(o.count) || o.count < 1)
    throw new RangeError(`count must be a positive integer, got ${o.count}`);
  if (o.scenarios.length === 0) throw new RangeError('at least one scenario');
  const start = Math.floor(o.clock?.now() ?? Date.now());
  const clock = o.clock ?? scaledClock({ start, speed: o.speed ?? 1 });
  const seed = (o.seed ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
  const edition = o.edition ?? 'community';
  let base = '';
  const log = o.verbose ? (o.log ?? ((line: string) => void process.stderr.write(`${line}\n`))) : undefined;
  const handlers = Array.from({ length: o.count }, (_, n) => {
    const scenario = o.scenarios[n % o.scenarios.length]!;
    const s = (seed + n) >>> 0;
    const history = o.history ?? scenario.history ?? 0;
    const model = createModel({ scenario, edition, seed: s, monitorStart: start - history, keepLog: false });
    model.catchUp(clock.now());
    const handler = createRequestHandler({
      model,
      clock,
      edition,
      seed: s,
      baseUrl: () => `${base}${INSTANCE_PREFIX}${n}`,
      ...(o.apiKey !== undefined && { apiKey: o.apiKey }),
      ...(log && { log: (line: string) => log(`[${n}] ${line}`) }),
    });
    return { handler, scenario: scenario.name, seed: s };
  });
  const list = () =>
    `${JSON.stringify(
      handlers.map((h, n) => ({
        targets: [`${base}${INSTANCE_PREFIX}${n}`],
        labels: { scenario: h.scenario, seed: String(h.seed) },
      })),
    )}\n`;
  const server = createServer({ keepAlive: true }, (req: IncomingMessage, res: ServerResponse) => {
    const m = INSTANCE_PATH.exec((req.url ?? '/').replace(/\?.*$/s, ''));
    const h = m ? handlers[Number(m[1])] : undefined;
    if (h) {
      req.url = (req.url ?? '/').slice(INSTANCE_PREFIX.length + m![1]!.length) || '/';
      return h.handler(req, res);
    }
    req.resume();
    const body =
      req.url === '/instances'
        ? list()
        : `not found: instances are at ${INSTANCE_PREFIX}0 … ${INSTANCE_PREFIX}${o.count - 1}, listed at /instances\n`;
    res.writeHead(req.url === '/instances' ? 200 : 404, {
      'content-type': req.url === '/instances' ? 'application/json' : 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: base,
    port,
    instances: handlers.map((h, n) => ({ url: `${base}${INSTANCE_PREFIX}${n}`, scenario: h.scenario, seed: h.seed })),
    server,
    clock,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      })),
  };
}
