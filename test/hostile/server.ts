/**
 * A hostile Feldera on 127.0.0.1 for the fuzz: every endpoint answers a well-formed default,
 * except the one under attack, which answers whatever the case says — any status, headers and
 * body, the credential it was sent reflected anywhere, a body that never ends.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A placeholder in any text of an answer: replaced by the Authorization header's credential. */
export const REFLECT = '{{CREDENTIAL}}';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The body; `endless` streams 1 MiB chunks until the client stops reading. */
  body: string | { endless: true };
}

/** A 200 answer with `v` as its JSON body. */
export const jsonAnswer = (v: unknown): Answer => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(v),
});

export const EVENT_ID = '019afe41-4c7c-72be-a474-68be688e548d';
export const GOOD_EVENT = {
  id: EVENT_ID,
  recorded_at: '2025-12-08T14:05:03.645735Z',
  all_healthy: false,
  api_status: 'Healthy',
  compiler_status: 'Unhealthy',
  runner_status: 'Healthy',
};
const INFO = {
  api_self_info: 'Healthy: ok',
  api_resources_info: null,
  compiler_self_info: 'Unreachable: refused',
  compiler_resources_info: 'n/a',
  runner_self_info: 'Healthy',
  runner_resources_info: 'n/a',
};
const svc = (healthy: boolean) => ({
  healthy,
  message: healthy ? 'ok' : 'down',
  unchanged_since: '2025-12-08T14:05:03.645735Z',
  checked_at: '2025-12-08T14:05:03.645735Z',
});

/** The endpoints the tool reads, by the name the fuzz uses. */
export type Endpoint = 'latest' | 'latest-all' | 'list' | 'healthz' | 'config' | 'session' | 'authentication';

export function endpointOf(url: string): Endpoint | undefined {
  const [path, query = ''] = url.split('?');
  if (path === '/v0/cluster/events') return 'list';
  if (path!.startsWith('/v0/cluster/events/')) return query.includes('selector=all') ? 'latest-all' : 'latest';
  if (path === '/v0/cluster_healthz') return 'healthz';
  if (path === '/v0/config') return 'config';
  if (path === '/v0/config/session') return 'session';
  if (path === '/config/authentication') return 'authentication';
  return undefined;
}

function good(e: Endpoint | undefined): unknown {
  switch (e) {
    case 'latest':
      return GOOD_EVENT;
    case 'latest-all':
      return { ...GOOD_EVENT, ...INFO };
    case 'list':
      return [
        GOOD_EVENT,
        {
          ...GOOD_EVENT,
          id: '019afe38-0000-7000-8000-000000000001',
          recorded_at: '2025-12-08T13:55:03Z',
          all_healthy: true,
          compiler_status: 'Healthy',
        },
      ];
    case 'healthz':
      return { all_healthy: false, api: svc(true), compiler: svc(false), runner: svc(true) };
    case 'config':
      return { edition: 'Enterprise', version: '0.337.0', revision: 'abc' };
    case 'session':
      return { tenant_id: 't1', tenant_name: 'acme', role: 'read', memberships: [] };
    case 'authentication':
      return { GenericOidc: { issuer: 'https://id.example', client_id: 'c', extra_oidc_scopes: [] } };
    default:
      return { message: 'no such route', error_code: 'NotFound' };
  }
}

export interface HostileServer {
  url: string;
  /** The endpoint under attack and its answer. */
  attack: { endpoint: Endpoint; answer: Answer } | undefined;
  close(): Promise<void>;
}

function reflect(text: string, req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  return text.split(REFLECT).join(auth.replace(/^Bearer /i, ''));
}

function send(res: ServerResponse, req: IncomingMessage, a: Answer): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers)) headers[k] = reflect(v, req);
  if (typeof a.body !== 'string') {
    res.writeHead(a.status, headers);
    // "Endless" = far past every cap (256 MiB), one chunk per turn of the event loop: a status that
    // may carry no body (1xx) makes write() a no-op that never asks to wait for 'drain'.
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let left = 256;
    const more = () => {
      if (res.destroyed || left-- <= 0) return void res.end();
      if (res.write(chunk)) setImmediate(more);
      else res.once('drain', more);
    };
    res.write('[');
    more();
    return;
  }
  const body = reflect(a.body, req);
  res.writeHead(a.status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export async function startHostileServer(): Promise<HostileServer> {
  const s: Server = createServer((req, res) => {
    req.resume();
    res.on('error', () => undefined);
    const e = endpointOf(req.url ?? '/');
    const a = h.attack;
    try {
      if (a && e === a.endpoint) return send(res, req, a.answer);
      const body = JSON.stringify(good(e));
      res.writeHead(e ? 200 : 404, {
        'content-type': 'application/json',
        date: new Date(Date.parse('2025-12-08T14:10:00Z')).toUTCString(),
      });
      res.end(body);
    } catch {
      // a header Node refuses to send: the connection is dropped instead, a failure as good as any
      res.destroy();
    }
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const h: HostileServer = {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    attack: undefined,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
  return h;
}
