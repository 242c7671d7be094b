/**
 * The HTTP face of the simulator: the routes of a Feldera API server that concern cluster
 * health, answering as Feldera (actix-web) does — status codes, headers, bodies, errors — with
 * every notion of time (the `Date` header included) taken from the simulated clock.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SimClock } from './clock.js';
import { formatMicros, parseUuid } from './ids.js';
import { selectEvent, type MonitorModel } from './model.js';
import type { Edition } from './texts.js';

export type OmitRoute = 'cluster_healthz' | 'cluster_events';
export const OMIT_ROUTES: readonly OmitRoute[] = ['cluster_healthz', 'cluster_events'];

/** The caller's RBAC role; `none` answers 403 on every route that needs `read`. */
export type SimRole = 'read' | 'write' | 'admin' | 'owner' | 'none';

export interface HandlerOptions {
  model: MonitorModel;
  clock: SimClock;
  edition: Edition;
  /** When set, `/v0/...` requires `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Routes to answer with a bodyless 404, as an older Feldera without them does. */
  omitRoutes?: readonly OmitRoute[];
  role?: SimRole;
  /** Base URL, for the OIDC issuer shown by `/config/authentication`. */
  baseUrl?: () => string;
  /** Per-request log lines (verbose mode). Never given the Authorization header. */
  log?: (line: string) => void;
  /** Seeds the revision strings of `/v0/config`. */
  seed?: number;
}

export const FELDERA_VERSION = '0.337.0';
const TENANT_ID = '00000000-0000-0000-0000-000000000000';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** JSON value, a plain-text string (with `text`), or nothing. */
  json?: unknown;
  text?: string;
}

const notFound: Answer = { status: 404 };
const NO_CACHE = { 'cache-control': 'no-cache' };

function feldera(status: number, message: string, errorCode: string, details?: unknown): Answer {
  const json = details === undefined ? { message, error_code: errorCode } : { message, error_code: errorCode, details };
  return { status, json };
}

/** Percent-decoding as the framework does it: invalid escapes stay, invalid UTF-8 becomes U+FFFD. */
function percentDecode(s: string, plusIsSpace: boolean): string {
  const src = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  if (!src.includes('%')) return src;
  const bytes: number[] = [];
  const raw = Buffer.from(src, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25 && i + 2 < raw.length && /^[0-9a-fA-F]{2}$/.test(raw.subarray(i + 1, i + 3).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `web::Query<GetClusterEventParameters>` (serde_urlencoded): the selector, or the error text. */
export function parseSelectorQuery(query: string): { selector: 'status' | 'all' } | { error: string } {
  let selector: string | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = percentDecode(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1), true);
    if (key !== 'selector') continue;
    if (selector !== undefined) return { error: 'Query deserialize error: duplicate field `selector`' };
    selector = value;
  }
  if (selector === undefined) return { selector: 'status' };
  if (selector === 'status' || selector === 'all') return { selector };
  return { error: `Query deserialize error: unknown variant \`${selector}\`, expected \`all\` or \`status\`` };
}

function revision(seed: number, salt: number): string {
  let x = (seed ^ salt) >>> 0;
  let out = '';
  while (out.length < 40) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

export function createRequestHandler(opts: HandlerOptions): RequestListener {
  const { model, clock, edition } = opts;
  const omitted = new Set(opts.omitRoutes ?? []);
  const seed = opts.seed ?? 0;
  const revisionHash = revision(seed, 0x5eed);
  const runtimeRevision = revision(seed, 0xfe1d);

  function config(nowMs: number): unknown {
    const enterprise = edition === 'enterprise';
    const current = formatMicros(Math.floor(nowMs) * 1000);
    return {
      posthog: '',
      conceptualhq: '',
      product_fruits: '',
      edition: enterprise ? 'Enterprise' : 'Open source',
      version: FELDERA_VERSION,
      revision: revisionHash,
      runtime_revision: runtimeRevision,
      changelog_url: `https://github.com/feldera/feldera/releases/tag/v${FELDERA_VERSION}`,
      build_info: {
        build_timestamp: '2025-12-01T09:12:44.918311582Z',
        build_cpu: 'x86_64',
        build_os: 'linux',
        cargo_dependencies: '',
        cargo_features: enterprise ? 'feldera-enterprise' : '',
        cargo_debug: 'false',
        cargo_opt_level: '3',
        cargo_target_triple: 'x86_64-unknown-linux-gnu',
        rustc_version: '1.90.0',
      },
      build_source: 'ci',
      license_validity: enterprise
        ? {
            Exists: {
              current,
              valid_until: formatMicros((Math.floor(nowMs) + 365 * 86_400_000) * 1000),
              is_trial: false,
              description_html: '',
              extension_url: null,
              remind_starting_at: null,
              remind_schedule: 'Once',
            },
          }
        : null,
      unstable_features: null,
      update_info: null,
    };
  }

  function session(): unknown {
    const role = opts.role === 'none' ? 'read' : (opts.role ?? (opts.apiKey ? 'admin' : null));
    return { tenant_id: TENANT_ID, tenant_name: 'default', role, memberships: [] };
  }

  function authenticate(req: IncomingMessage): Answer | undefined {
    if (opts.apiKey === undefined) return undefined;
    // actix-web-httpauth: "Bearer <token>" (scheme case-sensitive, at least 8 bytes), else a bare challenge.
    const header = req.headers.authorization;
    const space = header === undefined ? -1 : header.indexOf(' ');
    if (header === undefined || header.length < 8 || space < 0 || header.slice(0, space) !== 'Bearer') {
      return { status: 401, headers: { 'www-authenticate': 'Bearer' } };
    }
    if (header.slice(space + 1) !== opts.apiKey) return feldera(401, 'Unauthorized API key', 'AuthenticationFailed');
    return undefined;
  }

  function forbidden(): Answer | undefined {
    if (opts.role !== 'none') return undefined;
    return feldera(403, "Insufficient permissions: the 'read' role or higher is required", 'InsufficientPermissions', {
      required_role: 'read',
    });
  }

  function clusterEvent(rawId: string, query: string): Answer {
    const q = parseSelectorQuery(query);
    if ('error' in q) return { status: 400, text: q.error };
    const idText = percentDecode(rawId, false);
    let event;
    if (idText === 'latest') {
      event = model.latest();
      if (!event) {
        return feldera(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable', null);
      }
    } else {
      const parsed = parseUuid(idText);
      if (!parsed.ok) {
        return feldera(400, `Invalid UUID string '${idText}': ${parsed.error}`, 'InvalidUuidParam', {
          value: idText,
          error: parsed.error,
        });
      }
      event = model.get(parsed.uuid);
      if (!event) {
        return feldera(
          404,
          `Cluster monitor event with identifier '${parsed.uuid}' does not exist -- it might have been deleted as monitor events are only retained for 72h and at most 1000`,
          'UnknownClusterMonitorEvent',
          { event_id: parsed.uuid },
        );
      }
    }
    return { status: 200, headers: NO_CACHE, json: selectEvent(event, q.selector) };
  }

  function route(req: IncomingMessage, path: string, query: string, nowMs: number): Answer {
    const get = req.method === 'GET';
    if (path === '/healthz') return get ? { status: 200, json: { status: 'healthy' } } : notFound;
    if (path === '/config/authentication') {
      if (!get) return notFound;
      if (opts.apiKey === undefined) return { status: 200, json: {} };
      const issuer = `${opts.baseUrl?.() ?? 'http://127.0.0.1'}/simulated-oidc`;
      return { status: 200, json: { GenericOidc: { issuer, client_id: 'feldera-cluster-simulator', extra_oidc_scopes: [] } } };
    }
    if (path !== '/v0' && !path.startsWith('/v0/')) return notFound;

    // Everything under /v0 sits behind the authentication middleware, unknown routes included.
    const denied = authenticate(req);
    if (denied) return denied;
    if (!get) return notFound; // `#[get]` routes guard the resource: other methods fall through to 404

    if (path === '/v0/cluster/events') {
      if (omitted.has('cluster_events')) return notFound;
      return forbidden() ?? { status: 200, headers: NO_CACHE, json: model.events().map((e) => selectEvent(e, 'status')) };
    }
    const m = /^\/v0\/cluster\/events\/([^/]+)$/.exec(path);
    if (m) {
      if (omitted.has('cluster_events')) return notFound;
      return forbidden() ?? clusterEvent(m[1]!, query);
    }
    if (path === '/v0/cluster_healthz') {
      if (omitted.has('cluster_healthz')) return notFound;
      const denied403 = forbidden();
      if (denied403) return denied403;
      const health = model.health();
      if (!health) {
        return feldera(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable', null);
      }
      return { status: health.all_healthy ? 200 : 503, json: health };
    }
    if (path === '/v0/config') return forbidden() ?? { status: 200, json: config(nowMs) };
    if (path === '/v0/config/session') return forbidden() ?? { status: 200, json: session() };
    return notFound;
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume(); // a GET has no body worth reading; drain whatever came so keep-alive goes on
    const nowMs = clock.now();
    model.catchUp(nowMs);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);

    let answer: Answer;
    try {
      answer = route(req, path, query, nowMs);
    } catch (err) {
      answer = feldera(500, `Internal error in the simulator: ${(err as Error).message}`, 'SimulatorError', null);
    }

    const headers: Record<string, string> = { date: new Date(nowMs).toUTCString(), ...answer.headers };
    let body: Buffer | undefined;
    if (answer.text !== undefined) {
      body = Buffer.from(answer.text, 'utf8');
      headers['content-type'] = 'text/plain; charset=utf-8';
    } else if (answer.json !== undefined) {
      body = Buffer.from(JSON.stringify(answer.json), 'utf8');
      headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(body?.length ?? 0);
    res.writeHead(answer.status, headers);
    res.end(body);
    opts.log?.(`${new Date(nowMs).toISOString()} ${req.method} ${path}${query ? '?' + query : ''} -> ${answer.status} (${body?.length ?? 0} B)`);
  };
}
