/**
 * The HTTP face of the simulator: the routes of a Feldera API server that concern cluster
 * health, answering as Feldera (actix-web) does — status codes, headers, bodies, errors — with
 * every notion of time (the `Date` header included) taken from the simulated clock.
 *
 * Routing is in routes.ts, the answers in cluster-routes.ts, config-body.ts and
 * feldera-errors.ts, writing them in answer.ts.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type Answer, writeAnswer } from './answer.js';
import { API_KEY_PREFIX, bearerToken, type SimRole } from './auth.js';
import type { SimClock } from './clock.js';
import { type OidcProvider, revisions } from './config-body.js';
import { simulatorError } from './feldera-errors.js';
import { type JwtChecker, verdictFor } from './jwt.js';
import type { MonitorModel } from './model.js';
import { splitTarget } from './query.js';
import { type OmitRoute, type RequestLine, type RouteContext, route } from './routes.js';
import type { Edition } from './texts.js';

export type { SimRole } from './auth.js';
export { FELDERA_VERSION } from './config-body.js';
export { parseSelectorQuery } from './query.js';
export { OMIT_ROUTES, type OmitRoute } from './routes.js';

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
  /** `simulate --oidc-issuer`: the provider `/config/authentication` names, and the check of its JWTs. */
  oidc?: OidcProvider & { checker: JwtChecker };
}

function routeContext(opts: HandlerOptions): RouteContext {
  return {
    model: opts.model,
    edition: opts.edition,
    apiKey: opts.apiKey,
    role: opts.role,
    baseUrl: opts.baseUrl,
    omitted: new Set(opts.omitRoutes ?? []),
    revisions: revisions(opts.seed ?? 0),
    ...(opts.oidc && { oidc: opts.oidc }),
  };
}

/** Routes a request, turning a bug in the simulator into a 500 rather than a dropped connection. */
function answerFor(ctx: RouteContext, req: RequestLine, nowMs: number): Answer {
  try {
    return route(ctx, req, nowMs);
  } catch (err) {
    return simulatorError((err as Error).message);
  }
}

export function createRequestHandler(opts: HandlerOptions): RequestListener {
  const ctx = routeContext(opts);
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume(); // a GET has no body worth reading; drain whatever came so keep-alive goes on
    const nowMs = opts.clock.now();
    opts.model.catchUp(nowMs);
    const { path, query } = splitTarget(req.url ?? '/');
    const authorization = req.headers.authorization;
    const reply = (jwt?: RequestLine['jwt']) => {
      const answer = answerFor(ctx, { method: req.method, path, query, authorization, ...(jwt && { jwt }) }, nowMs);
      const bytes = writeAnswer(res, answer, nowMs);
      opts.log?.(
        `${new Date(nowMs).toISOString()} ${req.method} ${path}${query ? `?${query}` : ''} -> ${answer.status} (${bytes} B)`,
      );
    };
    const oidc = opts.oidc;
    const token = bearerToken(authorization);
    if (!oidc || (path !== '/v0' && !path.startsWith('/v0/')) || !token || token.startsWith(API_KEY_PREFIX))
      return reply(oidc && { on: true });
    // A JWT: checked against the provider's keys, which may have to be fetched first.
    verdictFor(token, oidc.issuer, oidc.checker).then(
      (verdict) => reply({ on: true, verdict }),
      (err: Error) => res.destroyed || writeAnswer(res, simulatorError(err.message), nowMs),
    );
  };
}
