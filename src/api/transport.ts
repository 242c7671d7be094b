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
    for (const [k, v] of this.map) fn(v, k, this);
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

const NO_BODY = Buffer.alloc(0);

/**
 * A complete answer, body in memory. As with any Fetch `Response`, the body is read once: reading
 * it lets go of the bytes, so a large body is not held twice (bytes and text) while it is parsed.
 */
export class NodeResponse implements Response {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type: ResponseType = 'default';
  /** Never a stream: the body is read whole before the answer is handed over. */
  readonly body = null;
  bodyUsed = false;
  /**
   * ofetch decides whether there is a body to parse from `body`, or from `_bodyInit` for
   * fetch implementations without streams (ofetch issue 294); an empty body has none. Pinned by
   * test/api/ofetch-pins.test.ts.
   */
  _bodyInit: Buffer | undefined;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: MiniHeaders,
    readonly url: string,
    private data: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this._bodyInit = data.length > 0 ? data : undefined;
  }
  private take(): Buffer {
    const d = this.data;
    this.data = NO_BODY;
    this._bodyInit = undefined;
    this.bodyUsed = true;
    return d;
  }
  async text(): Promise<string> {
    return this.take().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
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
    const data = this.take();
    const out = new ArrayBuffer(data.byteLength);
    new Uint8Array(out).set(data);
    return out;
  }
}

/** A transport failure before any response: carries the socket/TLS error code. */
export class TransportError extends Error {
  readonly code: string;
  /** With `ERR_TOO_LARGE`: the cap the body passed, in bytes. */
  readonly limit: number | undefined;
  constructor(message: string, code: string, cause?: unknown, limit?: number) {
    super(message, { cause });
    this.name = 'TransportError';
    this.code = code;
    this.limit = limit;
  }
}

/** Per request, besides the Fetch options: the most bytes its body may have (default: no cap). */
export interface SendOptions {
  maxBytes?: number;
}

function tooLarge(maxBytes: number): TransportError {
  return new TransportError(`the answer is larger than ${maxBytes} bytes`, 'ERR_TOO_LARGE', undefined, maxBytes);
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
  if (h instanceof MiniHeaders) for (const [k, v] of h) out[k] = v;
  else for (const [k, v] of pairsOf(h as HeaderPairs)) out[k.toLowerCase()] = v;
  return out;
}

function toTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as NodeJS.ErrnoException;
  return new TransportError(err?.message ?? String(e), err?.code ?? 'EUNKNOWN', e);
}

/**
 * A body as it arrives. With a Content-Length it goes straight into one buffer of that size, so
 * a large body is never held twice (chunks, then their concatenation); without one the chunks are
 * joined at the end.
 */
function bodyBuffer(declared: number): { size: number; add(c: Buffer): void; done(): Buffer } {
  const whole = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  const b = {
    size: 0,
    add(c: Buffer) {
      if (whole && b.size + c.length <= whole.length) c.copy(whole, b.size);
      else chunks.push(c);
      b.size += c.length;
    },
    done(): Buffer {
      if (whole && chunks.length === 0) return b.size === whole.length ? whole : whole.subarray(0, b.size);
      const all = whole ? [whole.subarray(0, b.size - chunks.reduce((n, c) => n + c.length, 0)), ...chunks] : chunks;
      const out = Buffer.concat(all, b.size);
      chunks.length = 0;
      return out;
    },
  };
  return b;
}

/**
 * One GET (or other body-less request), the whole answer read before it resolves. Redirects are
 * answers, never followed. A body past `maxBytes` (by its Content-Length, or as it arrives) ends
 * the request at once with `ERR_TOO_LARGE`: nothing more is read.
 */
function send(
  req: Requester,
  url: URL,
  init: (RequestInit & SendOptions) | undefined,
  stats: TransportStats,
): Promise<NodeResponse> {
  const maxBytes = init?.maxBytes ?? Infinity;
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
    const stop = (e: TransportError) => {
      request.destroy();
      fail(e);
    };
    const request = req.request(
      url,
      { method: init?.method ?? 'GET', headers: headersOf(init), agent: req.agent },
      (res) => {
        stats.bytesReceived += headerBytes(res);
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (declared > maxBytes) return stop(tooLarge(maxBytes));
        const body = bodyBuffer(declared);
        res.on('data', (c: Buffer) => {
          if (settled) return;
          stats.bytesReceived += c.length;
          if (body.size + c.length > maxBytes) return stop(tooLarge(maxBytes));
          body.add(c);
        });
        res.on('error', fail);
        res.on('aborted', cutOff);
        res.on('end', () => {
          if (!res.complete) return cutOff();
          const headers = new MiniHeaders();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          settle(() =>
            resolve(new NodeResponse(res.statusCode ?? 0, res.statusMessage ?? '', headers, url.href, body.done())),
          );
        });
      },
    );
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
  const nodeFetch = async (input: RequestInfo | URL, init?: RequestInit & SendOptions): Promise<Response> => {
    const url = new URL(input instanceof URL || typeof input === 'string' ? input : input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError(`unsupported protocol ${url.protocol}`, 'ERR_PROTOCOL');
    }
    const req = await pool.forProtocol(url.protocol);
    stats.requests++;
    return send(req, url, init, stats);
  };
  return { fetch: nodeFetch, stats, close: () => pool.close() };
}
