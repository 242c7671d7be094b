/**
 * A minimal `fetch` over node:http / node:https, handed to ofetch's `createFetch`.
 *
 * Why not the global fetch: on Node 20 its first use loads undici (~50 ms of start-up, a third of
 * a whole `event get`), it cannot take a per-request CA bundle or `--insecure` without the
 * undici package, and it hides how many bytes crossed the wire, which `event watch` reports.
 * This one keeps one keep-alive connection per client, counts header and body bytes, and maps
 * socket and TLS failures to typed causes the error layer explains.
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';

export interface TransportOptions {
  /** Skip TLS certificate verification (`--insecure`). */
  insecure?: boolean;
  /** Extra PEM CA bundle, already read from disk. */
  ca?: string | Buffer;
  /** Keep one connection open between requests (watch loops). */
  keepAlive?: boolean;
}

export interface TransportStats {
  requests: number;
  /** Bytes received: status line, headers and body, as they arrived on the socket. */
  bytesReceived: number;
}

/** Just enough of the Fetch `Headers` for ofetch: case-insensitive, iterable. */
export class MiniHeaders {
  private readonly map = new Map<string, string>();
  constructor(init?: Iterable<[string, string]> | Record<string, string> | MiniHeaders | null) {
    if (!init) return;
    const entries = Symbol.iterator in Object(init) ? (init as Iterable<[string, string]>) : Object.entries(init);
    for (const [k, v] of entries) this.set(k, v);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value));
  }
  append(name: string, value: string): void {
    const prev = this.get(name);
    this.set(name, prev === null ? value : `${prev}, ${value}`);
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  forEach(fn: (value: string, key: string) => void): void {
    this.map.forEach((v, k) => fn(v, k));
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

export interface MiniResponse {
  status: number;
  statusText: string;
  ok: boolean;
  headers: MiniHeaders;
  url: string;
  /** Non-null when there is a body (ofetch checks it). */
  body: Buffer | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  blob(): Promise<Buffer>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface MiniRequestInit {
  method?: string;
  headers?: MiniHeaders;
  signal?: AbortSignal;
  body?: string;
}

/** A transport failure before any response: carries the socket/TLS error code. */
export class TransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'TransportError';
    this.code = code;
  }
}

/** Rough size of a status line and headers as they crossed the wire. */
function headerBytes(res: IncomingMessage): number {
  let n = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) n += raw[i]!.length + 2 + Buffer.byteLength(raw[i + 1]!) + 2;
  return n;
}

export interface NodeFetch {
  (input: string, init?: MiniRequestInit): Promise<MiniResponse>;
  stats: TransportStats;
  close(): void;
}

export async function createNodeFetch(opts: TransportOptions = {}): Promise<NodeFetch> {
  const stats: TransportStats = { requests: 0, bytesReceived: 0 };
  const agents = new Map<string, HttpAgent>();
  const mods: { http?: typeof import('node:http'); https?: typeof import('node:https') } = {};

  async function agentFor(protocol: string): Promise<{ request: typeof import('node:http').request; agent: HttpAgent }> {
    if (protocol === 'https:') {
      mods.https ??= await import('node:https');
      let agent = agents.get('https');
      if (!agent) {
        agent = new mods.https.Agent({
          keepAlive: opts.keepAlive ?? false,
          maxSockets: 4,
          rejectUnauthorized: !opts.insecure,
          ...(opts.ca ? { ca: opts.ca } : {}),
        });
        agents.set('https', agent);
      }
      return { request: mods.https.request, agent };
    }
    mods.http ??= await import('node:http');
    let agent = agents.get('http');
    if (!agent) {
      agent = new mods.http.Agent({ keepAlive: opts.keepAlive ?? false, maxSockets: 4 });
      agents.set('http', agent);
    }
    return { request: mods.http.request, agent };
  }

  const fetchImpl = async (input: string, init: MiniRequestInit = {}): Promise<MiniResponse> => {
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError(`unsupported protocol ${url.protocol}`, 'ERR_PROTOCOL');
    }
    const { request, agent } = await agentFor(url.protocol);
    const headers: Record<string, string> = {};
    init.headers?.forEach((v, k) => (headers[k] = v));
    stats.requests++;
    return new Promise<MiniResponse>((resolve, reject) => {
      const signal = init.signal;
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const req = request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        stats.bytesReceived += headerBytes(res);
        res.on('data', (c: Buffer) => {
          stats.bytesReceived += c.length;
          chunks.push(c);
        });
        res.on('error', (e) => fail(e));
        res.on('aborted', () => fail(new TransportError('connection closed before the answer was complete', 'ERR_INCOMPLETE')));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          if (!res.complete) return fail(new TransportError('connection closed before the answer was complete', 'ERR_INCOMPLETE'));
          const body = Buffer.concat(chunks);
          const h = new MiniHeaders();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 0;
          resolve({
            status,
            statusText: res.statusMessage ?? '',
            ok: status >= 200 && status < 300,
            headers: h,
            url: input,
            body: body.length > 0 ? body : null,
            text: async () => body.toString('utf8'),
            json: async () => JSON.parse(body.toString('utf8')),
            blob: async () => body,
            arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
          });
        });
      });
      let settled = false;
      function fail(e: unknown) {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(toTransportError(e));
      }
      const onAbort = () => {
        const reason = signal?.reason ?? new Error('aborted');
        req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
        if (!settled) {
          settled = true;
          reject(reason);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      if (init.body) req.write(init.body);
      req.end();
    });
  };
  const f = fetchImpl as NodeFetch;
  f.stats = stats;
  f.close = () => {
    for (const a of agents.values()) a.destroy();
    agents.clear();
  };
  return f;
}

function toTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as NodeJS.ErrnoException;
  return new TransportError(err?.message ?? String(e), err?.code ?? 'EUNKNOWN', e);
}
