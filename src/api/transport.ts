/**
 * A `fetch` over node:http / node:https, handed to ofetch's `createFetch` (see client.ts). It is
 * a real implementation of the Fetch types (`Headers`, `Response`), so ofetch takes it as it is,
 * and no global object is read or replaced.
 *
 * Why not the global fetch: its first use loads Node's bundled undici (about 50 ms on Node 20 and
 * 24, a third of a whole `event get`; on Node 24 even reading `globalThis.Headers` does it), it
 * cannot take a per-client CA bundle or `--insecure` without the undici package, and it hides how
 * many bytes crossed the wire, which `event watch` reports. This one keeps one keep-alive
 * connection per client, counts header and body bytes, and maps socket and TLS failures to typed
 * causes the error layer explains.
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

type HeaderPairs = Iterable<readonly [string, string]> | Record<string, string> | undefined | null;

function pairsOf(init: HeaderPairs | Headers): Iterable<readonly [string, string]> {
  if (!init) return [];
  if (Symbol.iterator in Object(init)) return init as Iterable<readonly [string, string]>;
  return Object.entries(init);
}

/** The Fetch `Headers`, case-insensitive, over a Map (ofetch builds its request headers with it). */
export class MiniHeaders implements Headers {
  private readonly map = new Map<string, string>();
  constructor(init?: HeadersInit | null) {
    for (const [k, v] of pairsOf(init as HeaderPairs)) this.set(k, v);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  getSetCookie(): string[] {
    const v = this.get('set-cookie');
    return v === null ? [] : [v];
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
  forEach(fn: (value: string, key: string, parent: Headers) => void): void {
    this.map.forEach((v, k) => fn(v, k, this));
  }
  entries(): HeadersIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): HeadersIterator<string> {
    return this.map.keys();
  }
  values(): HeadersIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.map.entries();
  }
}

/** A complete answer, body in memory. */
export class NodeResponse implements Response {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type: ResponseType = 'default';
  /** Never a stream: the body is read whole before the answer is handed over. */
  readonly body = null;
  readonly bodyUsed = false;
  /**
   * ofetch decides whether there is a body to parse from `body`, or from `_bodyInit` for
   * fetch implementations without streams (ofetch issue 294); an empty body has none.
   */
  readonly _bodyInit: Buffer | undefined;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: MiniHeaders,
    readonly url: string,
    private readonly data: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this._bodyInit = data.length > 0 ? data : undefined;
  }
  async text(): Promise<string> {
    return this.data.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.data.toString('utf8'));
  }
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(this.arrayBufferSync());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.arrayBufferSync();
  }
  blob(): Promise<Blob> {
    return Promise.reject(new TransportError('blob bodies are not supported', 'ERR_UNSUPPORTED'));
  }
  formData(): Promise<FormData> {
    return Promise.reject(new TransportError('form bodies are not supported', 'ERR_UNSUPPORTED'));
  }
  clone(): NodeResponse {
    return new NodeResponse(this.status, this.statusText, this.headers, this.url, this.data);
  }
  private arrayBufferSync(): ArrayBuffer {
    const out = new ArrayBuffer(this.data.byteLength);
    new Uint8Array(out).set(this.data);
    return out;
  }
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
  fetch: typeof fetch;
  stats: TransportStats;
  close(): void;
}

type Requester = { request: typeof import('node:http').request; agent: HttpAgent };

/** node:http and node:https are loaded on the first request: `--version` and `--help` never pay for them. */
function agents(opts: TransportOptions): { forProtocol(protocol: string): Promise<Requester>; close(): void } {
  const made = new Map<string, Requester>();
  return {
    async forProtocol(protocol) {
      const known = made.get(protocol);
      if (known) return known;
      const keepAlive = opts.keepAlive ?? false;
      let r: Requester;
      if (protocol === 'https:') {
        const https = await import('node:https');
        const tls = { rejectUnauthorized: !opts.insecure, ...(opts.ca ? { ca: opts.ca } : {}) };
        r = { request: https.request, agent: new https.Agent({ keepAlive, maxSockets: 4, ...tls }) };
      } else {
        const http = await import('node:http');
        r = { request: http.request, agent: new http.Agent({ keepAlive, maxSockets: 4 }) };
      }
      made.set(protocol, r);
      return r;
    },
    close() {
      for (const r of made.values()) r.agent.destroy();
      made.clear();
    },
  };
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (h instanceof MiniHeaders) h.forEach((v, k) => (out[k] = v));
  else for (const [k, v] of pairsOf(h as HeaderPairs)) out[k.toLowerCase()] = v;
  return out;
}

function toTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as NodeJS.ErrnoException;
  return new TransportError(err?.message ?? String(e), err?.code ?? 'EUNKNOWN', e);
}

/** One GET (or other body-less request), the whole answer read before it resolves. Redirects are answers, never followed. */
function send(req: Requester, url: URL, init: RequestInit | undefined, stats: TransportStats): Promise<NodeResponse> {
  return new Promise<NodeResponse>((resolve, reject) => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (e: unknown) => settle(() => reject(toTransportError(e)));
    const cutOff = () => fail(new TransportError('connection closed before the answer was complete', 'ERR_INCOMPLETE'));
    const request = req.request(url, { method: init?.method ?? 'GET', headers: headersOf(init), agent: req.agent }, (res) => {
      const chunks: Buffer[] = [];
      stats.bytesReceived += headerBytes(res);
      res.on('data', (c: Buffer) => {
        stats.bytesReceived += c.length;
        chunks.push(c);
      });
      res.on('error', fail);
      res.on('aborted', cutOff);
      res.on('end', () => {
        if (!res.complete) return cutOff();
        const headers = new MiniHeaders();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        settle(() => resolve(new NodeResponse(res.statusCode ?? 0, res.statusMessage ?? '', headers, url.href, Buffer.concat(chunks))));
      });
    });
    const onAbort = () => {
      const reason: unknown = signal?.reason ?? new Error('aborted');
      request.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      settle(() => reject(reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', fail);
    request.end();
  });
}

export function createNodeFetch(opts: TransportOptions = {}): NodeFetch {
  const stats: TransportStats = { requests: 0, bytesReceived: 0 };
  const pool = agents(opts);
  const nodeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError(`unsupported protocol ${url.protocol}`, 'ERR_PROTOCOL');
    }
    const req = await pool.forProtocol(url.protocol);
    stats.requests++;
    return send(req, url, init, stats);
  };
  return { fetch: nodeFetch, stats, close: () => pool.close() };
}
