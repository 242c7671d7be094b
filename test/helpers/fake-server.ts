/**
 * A deliberately misbehaving HTTP(S) server on 127.0.0.1 for client tests: each request is
 * answered by a scripted step (status, headers, body, delays, cut connections). Records what
 * arrived (path and headers) so tests can check what the client sent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../src/api/errors.js';
import type { Clock } from '../../src/util/clock.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export type Step =
  | { status: number; json?: unknown; body?: string; headers?: Record<string, string>; delayMs?: number }
  /** Send headers and part of the body, then destroy the socket. */
  | { cut: string; status?: number; length?: number }
  /** Never answer (until the client gives up). */
  | { hang: true }
  /** Close the socket without any answer. */
  | { drop: true };

export interface FakeServer {
  url: string;
  seen: Seen[];
  /** TCP connections accepted (a TLS handshake to a plain server is one, though no request is seen). */
  connections(): number;
  close(): Promise<void>;
}

/** A route answering by request path: `paths[req.url]`, or `otherwise` for any other path. */
export function byPath(paths: Record<string, Step>, otherwise: Step): (req: IncomingMessage) => Step {
  return (req) => paths[req.url ?? ''] ?? otherwise;
}

/** `route(req, n)` gives the step for the n-th request (0-based) of the whole server. */
export async function fakeServer(
  route: (req: IncomingMessage, n: number) => Step,
  tls?: { key: string; cert: string },
  address = '127.0.0.1',
  port = 0,
): Promise<FakeServer> {
  const seen: Seen[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const n = seen.length;
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const step = route(req, n);
    if ('drop' in step) {
      req.socket.destroy();
      return;
    }
    if ('hang' in step) return;
    if ('cut' in step) {
      res.writeHead(step.status ?? 200, {
        'content-type': 'application/json',
        'content-length': String(step.length ?? step.cut.length + 100),
      });
      res.write(step.cut);
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    const send = () => {
      const body = step.json !== undefined ? JSON.stringify(step.json) : (step.body ?? '');
      const headers: Record<string, string> = {
        date: new Date().toUTCString(),
        ...(step.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...step.headers,
      };
      res.writeHead(step.status, headers);
      res.end(body);
    };
    if (step.delayMs) setTimeout(send, step.delayMs);
    else send();
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  let connections = 0;
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://${address}:${bound}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Feldera's error body. */
export function feldera(status: number, message: string, error_code: string, details: unknown = null): Step {
  return { status, json: details === undefined ? { message, error_code } : { message, error_code, details } };
}

export const EVENT = {
  id: '01938f2c-7a4b-7c3d-8e5f-0123456789ab',
  recorded_at: '2025-12-08T14:03:06.655736Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
};

export const PLATFORM = { edition: 'Open source', version: '0.337.0', revision: 'abc' };

export const HEALTH = {
  all_healthy: false,
  api: {
    healthy: true,
    message: 'ok',
    unchanged_since: '2025-12-08T14:03:06.655736Z',
    checked_at: '2025-12-08T14:03:06.655736Z',
  },
  compiler: {
    healthy: false,
    message: 'Unreachable: …',
    unchanged_since: '2025-12-08T14:03:06.655736Z',
    checked_at: '2025-12-08T14:03:06.655736Z',
  },
  runner: {
    healthy: true,
    message: 'ok',
    unchanged_since: '2025-12-08T14:03:06.655736Z',
    checked_at: '2025-12-08T14:03:06.655736Z',
  },
};

/** A clock whose sleep returns at once and records the waits (time moves by the waits). */
export function recordingClock(start = 1_700_000_000_000): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl (undefined when it is missing). */
export function selfSignedCert(): { key: string; cert: string; certFile: string } | undefined {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), certFile: cert };
  } catch {
    return undefined;
  }
}

/** The ApiError a request ends with (anything else, or success, fails the test). */
export async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
