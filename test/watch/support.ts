/**
 * Test support for the watch engine: a virtual clock shared with the simulator (a wait moves
 * simulated time forward at once), a client for a URL, and a fault-injecting proxy on 127.0.0.1
 * that drops connections, answers 502 pages or answers slowly in chosen windows of simulated time.
 */
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClusterClient, createClient } from '../../src/api/client.js';
import { resolveConnection } from '../../src/config/connection.js';
import type { ManualClock } from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';

/** Engine time = simulated time; `sleep` advances both at once and resolves on the next turn. */
export function virtualClock(sim: ManualClock): Clock & { slept: number } {
  const c = {
    slept: 0,
    now: () => Math.floor(sim.now()),
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        sim.advance(Math.max(0, ms));
        c.slept += ms;
        setImmediate(() => (signal?.aborted ? reject(signal.reason) : resolve()));
      }),
  };
  return c;
}

export async function clientFor(
  url: string,
  clock: Clock,
  opts: {
    timeoutS?: number;
    apiKey?: string;
    tokenCommand?: string;
    runTokenCommand?: (cmd: string) => Promise<string>;
  } = {},
): Promise<ClusterClient> {
  const env: Record<string, string> = {};
  if (opts.apiKey) env.FELDERA_API_KEY = opts.apiKey;
  if (opts.tokenCommand) env.FELDERA_AUTH_TOKEN_COMMAND = opts.tokenCommand;
  const conn = resolveConnection({ host: url, retries: '0', requestTimeout: String(opts.timeoutS ?? 2) }, env, {
    profiles: {},
  });
  return createClient(conn, {
    clock,
    keepAlive: true,
    ...(opts.runTokenCommand && { runTokenCommand: opts.runTokenCommand }),
  });
}

export type FaultKind = 'drop' | 'bad-gateway' | 'slow' | 'hang';

export interface FaultProxy {
  url: string;
  /** Requests seen, as `path?query`. */
  requests: string[];
  /** Faults injected, by kind. */
  injected: Record<FaultKind, number>;
  /** Decides the fault for a request (default: none). */
  fault: (path: string) => FaultKind | undefined;
  /** A Date header to send instead of the server's (a clock that lies), or undefined to pass it on. */
  date: (path: string) => string | undefined;
  close(): Promise<void>;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * A reverse proxy in front of `target`. `drop`: the connection is closed without an answer;
 * `bad-gateway`: an HTML 502 like a load balancer's; `slow`: the answer comes `slowMs` late
 * (real time, below the client's timeout); `hang`: `hangMs` late (above it, so the client times out).
 */
export async function startFaultProxy(
  target: string,
  opts: { slowMs?: number; hangMs?: number } = {},
): Promise<FaultProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const t = new URL(target);
  const timers = new Set<NodeJS.Timeout>();
  const proxy: FaultProxy = {
    url: '',
    requests: [],
    injected: { drop: 0, 'bad-gateway': 0, slow: 0, hang: 0 },
    fault: () => undefined,
    date: () => undefined,
    close: async () => {
      for (const tm of timers) clearTimeout(tm);
      agent.destroy();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const headers = { ...req.headers, host: t.host };
    const up = request(
      { host: t.hostname, port: t.port, path: req.url, method: req.method, headers, agent },
      (ures) => {
        const chunks: Buffer[] = [];
        ures.on('data', (c: Buffer) => chunks.push(c));
        ures.on('end', () => {
          if (res.destroyed) return;
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
          const body = Buffer.concat(chunks);
          out['content-length'] = String(body.length);
          const lie = proxy.date(req.url ?? '/');
          if (lie !== undefined) out.date = lie;
          res.writeHead(ures.statusCode ?? 502, ures.statusMessage, out);
          res.end(body);
        });
      },
    );
    up.on('error', () => res.destroy());
    up.end();
  };
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    const path = req.url ?? '/';
    proxy.requests.push(path);
    const f = proxy.fault(path);
    if (f) proxy.injected[f]++;
    res.on('error', () => undefined);
    switch (f) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'bad-gateway': {
        const body = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
        res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html', 'content-length': String(body.length) });
        res.end(body);
        return;
      }
      case 'slow':
      case 'hang': {
        const tm = setTimeout(
          () => {
            timers.delete(tm);
            forward(req, res);
          },
          f === 'slow' ? (opts.slowMs ?? 5) : (opts.hangMs ?? 400),
        );
        timers.add(tm);
        return;
      }
      default:
        forward(req, res);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
