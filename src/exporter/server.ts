/**
 * The exporter's HTTP server (node:http): `/metrics` for Prometheus, `/healthz` for whatever
 * watches the exporter itself, a one-line index at `/`. Nothing else is served; only GET and HEAD.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from '../errors.js';
import type { ListenAddress } from './listen.js';

export interface Scraped {
  contentType: string;
  body: string;
}

export interface ExporterServer {
  /** The metrics URL (on loopback when listening on every interface). */
  url: string;
  close(): Promise<void>;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function answer(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
  head: boolean,
): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(head ? undefined : body);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  scrape: () => Promise<Scraped>,
  onError: (e: unknown) => void,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head)
    return answer(res, 405, { ...TEXT, allow: 'GET, HEAD' }, 'only GET and HEAD\n', false);
  if (path === '/healthz') return answer(res, 200, TEXT, 'ok\n', head);
  if (path === '/')
    return answer(res, 200, TEXT, 'Feldera cluster exporter: metrics at /metrics, its own health at /healthz\n', head);
  if (path !== '/metrics') return answer(res, 404, TEXT, 'not found: metrics are at /metrics\n', head);
  try {
    const s = await scrape();
    answer(res, 200, { 'content-type': s.contentType }, s.body, head);
  } catch (e) {
    onError(e);
    answer(res, 500, TEXT, 'the exporter failed to produce metrics; see its log\n', head);
  }
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

export async function startExporterServer(
  listen: ListenAddress,
  scrape: () => Promise<Scraped>,
  onError: (e: unknown) => void,
): Promise<ExporterServer> {
  const server = createServer((req, res) => void handle(req, res, scrape, onError));
  const where = `${listen.host === undefined ? '' : bracketed(listen.host)}:${listen.port}`;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => resolve());
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`${where} is already in use`, {
        hint: 'choose another address with --listen, e.g. --listen 127.0.0.1:9465',
        kind: 'listen',
      });
    if (code === 'EACCES')
      throw new CliError(`not allowed to listen on ${where}`, { hint: 'use a port above 1023', kind: 'listen' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`cannot listen on ${where}: no such local address`, {
        hint: 'give an address of this machine, or :PORT for every interface',
        kind: 'listen',
      });
    throw new CliError(`cannot listen on ${where}: ${(e as Error).message}`, { kind: 'listen', cause: e });
  }
  const port = (server.address() as AddressInfo).port;
  const shown = reachableHost(listen.host);
  return {
    url: `http://${shown}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
