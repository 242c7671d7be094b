/**
 * The exporter's HTTP(S) server (node:http / node:https). What it serves is a table of routes by
 * path, given by the command (`/metrics`, `/probe`, `/sd`, `/healthz`, `/`): a new page is a new
 * entry. Only GET and HEAD; a request that fails basic authentication (web-config.ts) gets 401
 * before any route runs, so it never causes a request to Feldera.
 *
 * Holding up against many connections: at most `maxConnections` at once; when a new one comes at
 * the cap, the oldest connection that is not being answered (idle between keep-alive requests, or
 * still sending its request line and headers — slowloris) is closed to make room, and only when
 * every connection is being answered is the new one refused. The headers must arrive within
 * `headersTimeoutMs` and the whole request within `requestTimeoutMs` (Node's defaults, 60 s and
 * 300 s checked every 30 s, let 21,000 half-open connections starve real scrapes); a TLS handshake
 * gets as long as the headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CliError } from '../errors.js';
import type { ListenAddress } from './listen.js';

/** What a route answers. */
export interface Reply {
  status: number;
  /** `content-type` and the like; text/plain by default. */
  headers?: Record<string, string>;
  body: string;
}

/** A route: the request and its parsed URL (path and query) in, the reply out. */
export type Route = (req: IncomingMessage, url: URL) => Reply | Promise<Reply>;

export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 512,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  // Longer than the gap between two scrapes on one of Prometheus's connections, shorter than its
  // own idle timeout (so the exporter is the one that closes, between requests).
  keepAliveTimeoutMs: 30_000,
};

export interface TlsOptions {
  cert: string;
  key: string;
  /** Client certificates: the CAs that may sign them, and whether one is required. */
  ca?: string;
  requestCert?: boolean;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface ExporterServerOptions {
  listen: ListenAddress;
  routes: Readonly<Record<string, Route>>;
  /** A route threw: logged, and the client gets 500. */
  onError(e: unknown): void;
  /** Serve HTTPS with this certificate and key (web-config.ts). */
  tls?: TlsOptions;
  /** Whether the request's `Authorization` header lets it in (basic auth); absent: everyone. */
  authorize?: (authorization: string | undefined) => Promise<boolean>;
  limits?: Partial<ServerLimits>;
  /** Told each time a connection is closed to make room for a new one. */
  onEvict?: () => void;
}

export interface ExporterServer {
  /** The metrics URL (on loopback when listening on every interface). */
  url: string;
  server: Server;
  close(): Promise<void>;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function send(res: ServerResponse, reply: Reply, head: boolean): void {
  const headers = { ...TEXT, ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) };
  res.writeHead(reply.status, headers);
  res.end(head ? undefined : reply.body);
}

async function handle(req: IncomingMessage, res: ServerResponse, o: ExporterServerOptions): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head)
    return send(res, { status: 405, headers: { allow: 'GET, HEAD' }, body: 'only GET and HEAD\n' }, false);
  if (o.authorize && !(await o.authorize(req.headers.authorization))) {
    const challenge = { 'www-authenticate': 'Basic realm="feldera-cluster-exporter", charset="UTF-8"' };
    return send(res, { status: 401, headers: challenge, body: 'unauthorised\n' }, head);
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://exporter');
  } catch {
    return send(res, { status: 400, body: 'bad request target\n' }, head);
  }
  const route = Object.hasOwn(o.routes, url.pathname) ? o.routes[url.pathname] : undefined;
  if (!route) {
    const paths = Object.keys(o.routes).join(', ');
    return send(res, { status: 404, body: `not found: this exporter serves ${paths}\n` }, head);
  }
  try {
    send(res, await route(req, url), head);
  } catch (e) {
    o.onError(e);
    if (!res.headersSent) send(res, { status: 500, body: 'the exporter failed to answer; see its log\n' }, head);
  }
}

/** A connection, by the client's address and port (the same on a TLS socket as on the TCP one under it). */
function keyOf(s: Socket): string {
  return `${s.remoteAddress}|${s.remotePort}`;
}

/**
 * The connection cap: tracks every connection, how many of its requests are being answered, and
 * closes the oldest one that is not being answered when a new one comes at the cap.
 */
function guardConnections(server: Server, max: number, onEvict: (() => void) | undefined): void {
  // In arrival order: the first entry that is not busy is the oldest such connection.
  const open = new Map<string, { socket: Socket; busy: number }>();
  server.on('connection', (socket: Socket) => {
    if (open.size >= max) {
      let victim: Socket | undefined;
      for (const c of open.values()) {
        if (c.busy === 0) {
          victim = c.socket;
          break;
        }
      }
      if (!victim) {
        socket.destroy();
        return;
      }
      open.delete(keyOf(victim));
      victim.destroy();
      onEvict?.();
    }
    const key = keyOf(socket);
    open.set(key, { socket, busy: 0 });
    socket.once('close', () => {
      if (open.get(key)?.socket === socket) open.delete(key);
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const c = open.get(keyOf(req.socket));
    if (!c) return;
    c.busy++;
    res.once('close', () => c.busy--);
  });
}

/** A host as it stands before `:port`: an IPv6 address in brackets. */
function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Where the metrics can be fetched on this machine: a wildcard address is reached on loopback. */
function reachableHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return bracketed(host);
}

function listenError(e: unknown, where: string): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError(`${where} is already in use`, {
      hint: 'choose another address with --listen, e.g. --listen 127.0.0.1:9465',
      kind: 'listen',
    });
  if (code === 'EACCES')
    return new CliError(`not allowed to listen on ${where}`, { hint: 'use a port above 1023', kind: 'listen' });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new CliError(`cannot listen on ${where}: no such local address`, {
      hint: 'give an address of this machine, or :PORT for every interface',
      kind: 'listen',
    });
  return new CliError(`cannot listen on ${where}: ${(e as Error).message}`, { kind: 'listen', cause: e });
}

async function makeServer(o: ExporterServerOptions, limits: ServerLimits): Promise<Server> {
  const options: ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often the two timeouts above are checked (Node's default, 30 s, lets a slow client keep
    // its connection half a minute past them).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res, o);
  if (!o.tls) return createServer(options, listener);
  const { createServer: createHttpsServer } = await import('node:https');
  return createHttpsServer(
    {
      ...options,
      cert: o.tls.cert,
      key: o.tls.key,
      handshakeTimeout: limits.headersTimeoutMs,
      ...(o.tls.ca !== undefined && { ca: o.tls.ca }),
      ...(o.tls.requestCert && { requestCert: true, rejectUnauthorized: true }),
      ...(o.tls.minVersion && { minVersion: o.tls.minVersion }),
    },
    listener,
  );
}

export async function startExporterServer(o: ExporterServerOptions): Promise<ExporterServer> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const server = await makeServer(o, limits);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  guardConnections(server, limits.maxConnections, o.onEvict);
  const { listen } = o;
  const where = `${listen.host === undefined ? '' : bracketed(listen.host)}:${listen.port}`;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    throw listenError(e, where);
  }
  const port = (server.address() as AddressInfo).port;
  const shown = reachableHost(listen.host);
  return {
    url: `${o.tls ? 'https' : 'http'}://${shown}:${port}/metrics`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
