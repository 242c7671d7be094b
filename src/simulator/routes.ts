/**
 * Which answer a request gets: the routes of a Feldera API server that concern cluster health,
 * in the order actix-web resolves them (authentication before the route, an omitted or unknown
 * route before the role check, the query before the id).
 */
import { type Answer, notFound, ok } from './answer.js';
import { authenticate, forbidden, type SimRole } from './auth.js';
import { clusterEvent, clusterHealth, eventList } from './cluster-routes.js';
import {
  authenticationBody,
  configBody,
  issuerOf,
  type OidcProvider,
  type Revisions,
  sessionBody,
} from './config-body.js';
import type { MonitorModel } from './model.js';
import type { OmitRoute } from './options.js';
import type { Edition } from './texts.js';

export { OMIT_ROUTES, type OmitRoute } from './options.js';

/** What the routes need to know about the simulated instance. */
export interface RouteContext {
  model: MonitorModel;
  edition: Edition;
  apiKey: string | undefined;
  role: SimRole | undefined;
  baseUrl: (() => string) | undefined;
  omitted: ReadonlySet<OmitRoute>;
  revisions: Revisions;
  /** `simulate --oidc-issuer`: bearer JWTs are checked against this provider (jwt.ts). */
  oidc?: OidcProvider;
}

export interface RequestLine {
  method: string | undefined;
  path: string;
  query: string;
  authorization: string | undefined;
  /** With a configured provider: the verdict on the request's bearer JWT, made before routing (it may fetch keys). */
  jwt?: { on: boolean; verdict?: string | undefined };
}

export function route(ctx: RouteContext, req: RequestLine, nowMs: number): Answer {
  const get = req.method === 'GET';
  if (req.path === '/healthz') return get ? ok({ status: 'healthy' }) : notFound;
  if (req.path === '/config/authentication')
    return get ? ok(authenticationBody(ctx.apiKey, ctx.baseUrl, ctx.oidc)) : notFound;
  if (req.path !== '/v0' && !req.path.startsWith('/v0/')) return notFound;

  // Everything under /v0 sits behind the authentication middleware, unknown routes included.
  const denied = authenticate(req.authorization, ctx.apiKey, ctx.oidc?.issuer ?? issuerOf(ctx.baseUrl), req.jwt);
  if (denied) return denied;
  if (!get) return notFound; // `#[get]` routes guard the resource: other methods fall through to 404

  const target = readRoute(ctx, req, nowMs);
  if (!target || (target.optional !== undefined && ctx.omitted.has(target.optional))) return notFound;
  return forbidden(ctx.role) ?? target.answer();
}

const EVENT_PATH = /^\/v0\/cluster\/events\/([^/]+)$/;

/** The `/v0` GET routes, all of which need the `read` role; `optional` names those an older Feldera lacks. */
function readRoute(
  ctx: RouteContext,
  req: RequestLine,
  nowMs: number,
): { optional?: OmitRoute; answer: () => Answer } | undefined {
  const { model } = ctx;
  const { path } = req;
  if (path === '/v0/cluster/events') return { optional: 'cluster_events', answer: () => eventList(model) };
  const id = EVENT_PATH.exec(path)?.[1];
  if (id !== undefined) return { optional: 'cluster_events', answer: () => clusterEvent(model, id, req.query) };
  if (path === '/v0/cluster_healthz') return { optional: 'cluster_healthz', answer: () => clusterHealth(model) };
  if (path === '/v0/config') return { answer: () => ok(configBody(ctx.edition, ctx.revisions, nowMs)) };
  if (path === '/v0/config/session')
    return { answer: () => ok(sessionBody(ctx.role, ctx.apiKey !== undefined || ctx.oidc !== undefined)) };
  return undefined;
}
