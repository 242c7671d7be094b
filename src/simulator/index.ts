/**
 * The Feldera cluster-monitor simulator: `startSimulator(opts)` opens a real HTTP server on
 * 127.0.0.1 backed by the monitor model. Used by `cluster simulate` and by the tests.
 */

import { randomInt } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SimClock, scaledClock } from './clock.js';
import { createJwtChecker } from './jwt.js';
import { createModel, type MonitorModel } from './model.js';
import { loadScenario, type Scenario } from './scenario.js';
import { createRequestHandler, type HandlerOptions, type OmitRoute, type SimRole } from './server.js';
import type { Edition } from './texts.js';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default here) picks a free one. */
  port?: number;
  /** Require `Authorization: Bearer <apiKey>` on `/v0/...`. */
  apiKey?: string;
  /** A built-in scenario name, a scenario file path, or a parsed scenario. Default `healthy`. */
  scenario?: string | Scenario;
  /** Simulated seconds per real second (ignored with `clock`). Default 1. */
  speed?: number;
  /** Pre-filled history in ms: the monitor started this long before `start`. Default: the scenario's, else 0. */
  history?: number;
  /** Seed for ids, latencies and names. Default: random. */
  seed?: number;
  edition?: Edition;
  /** A clock of your own (e.g. `manualClock`): simulated time then moves only with it. */
  clock?: SimClock;
  /** Simulated time at start, epoch ms. Default: the clock's now, else the real now. */
  start?: number;
  /** Log each request through `log` (default: to stderr). */
  verbose?: boolean;
  log?: (line: string) => void;
  /** Answer these routes with a bodyless 404, like an older Feldera. */
  omitRoutes?: readonly OmitRoute[];
  /** The caller's role; `none` answers 403 on read routes. */
  role?: SimRole;
  /**
   * Serve HTTPS with a self-signed certificate made at start, valid for 127.0.0.1, ::1, localhost
   * and `names` (clients trust it with `--ca-cert`; `Simulator.tls.cert` is the PEM).
   */
  tls?: boolean | { names?: readonly string[] };
  /**
   * Keep every event ever recorded in `model.log` (default true, for tests). `cluster simulate`
   * turns it off: at high --speed or with a long --history it would hold them all in memory.
   */
  keepLog?: boolean;
  /**
   * Check bearer JWTs as Feldera's `GenericOidc` does, against this provider (its discovery
   * document is read at start, as Feldera does), and name it in `/config/authentication`.
   */
  oidc?: SimulatorOidc;
}

export interface SimulatorOidc {
  issuer: string;
  /** The `aud` an access token must carry (Feldera's `auth_audience`). Default `feldera-api`. */
  audience?: string;
  /** The client id `/config/authentication` names. Default `feldera`. */
  clientId?: string;
  /** `extra_oidc_scopes` of `/config/authentication`. */
  extraScopes?: readonly string[];
  /** Seconds past `exp` still accepted (jsonwebtoken's leeway, 60 by default). */
  leewayS?: number;
  /** For tests: real time, and how to GET the provider's documents. */
  now?: () => number;
  fetchJson?: (url: string) => Promise<unknown>;
}

/** Feldera's default `auth_audience`, and the client id the simulator names unless told. */
export const DEFAULT_AUDIENCE = 'feldera-api';
export const DEFAULT_OIDC_CLIENT_ID = 'feldera';

export interface Simulator {
  url: string;
  port: number;
  close(): Promise<void>;
  model: MonitorModel;
  clock: SimClock;
  scenario: Scenario;
  seed: number;
  /** Simulated epoch ms at which the server opened. */
  start: number;
  server: Server;
  /** With `tls`: the server's certificate (PEM, its own CA) and the names it is valid for. */
  tls?: { cert: string; names: string[] };
}

/** The model, caught up to the clock's now whenever it is asked anything. */
function liveModel(model: MonitorModel, clock: SimClock): MonitorModel {
  /** `read` of the model once it has caught up with the clock. */
  const synced =
    <A extends unknown[], R>(read: (...args: A) => R) =>
    (...args: A): R => {
      model.catchUp(clock.now());
      return read(...args);
    };
  return {
    monitorStart: model.monitorStart,
    edition: model.edition,
    catchUp: (nowMs) => model.catchUp(nowMs),
    events: synced(() => model.events()),
    latest: synced(() => model.latest()),
    get: synced((id: string) => model.get(id)),
    health: synced(() => model.health()),
    get log() {
      model.catchUp(clock.now());
      return model.log;
    },
    roundsRun: synced(() => model.roundsRun()),
  };
}

/** An HTTPS server with a certificate made now (node:https and the key generation load only here). */
async function tlsServer(
  o: { names?: readonly string[] },
  handler: RequestListener,
): Promise<{ server: Server; cert: string; names: string[] }> {
  const [{ createServer: createHttpsServer }, { selfSignedCertificate }] = await Promise.all([
    import('node:https'),
    import('./certificate.js'),
  ]);
  const made = selfSignedCertificate({ names: o.names ?? [] });
  return {
    server: createHttpsServer({ key: made.key, cert: made.cert, keepAlive: true }, handler),
    cert: made.cert,
    names: made.names,
  };
}

/** The provider's check, its discovery document read now (as Feldera reads it at start). */
async function oidcCheck(o: SimulatorOidc): Promise<NonNullable<HandlerOptions['oidc']>> {
  const checker = await createJwtChecker({
    issuer: o.issuer,
    audience: o.audience ?? DEFAULT_AUDIENCE,
    ...(o.leewayS !== undefined && { leewayS: o.leewayS }),
    ...(o.now && { now: o.now }),
    ...(o.fetchJson && { fetchJson: o.fetchJson }),
  });
  return {
    issuer: o.issuer,
    clientId: o.clientId ?? DEFAULT_OIDC_CLIENT_ID,
    extraScopes: o.extraScopes ?? [],
    checker,
  };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const scenario = typeof opts.scenario === 'object' ? opts.scenario : loadScenario(opts.scenario ?? 'healthy');
  const speed = opts.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const start = Math.floor(opts.start ?? opts.clock?.now() ?? Date.now());
  const clock = opts.clock ?? scaledClock({ start, speed });
  const seed = (opts.seed ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
  const history = opts.history ?? scenario.history ?? 0;
  const edition = opts.edition ?? 'community';
  const raw = createModel({ scenario, edition, seed, monitorStart: start - history, keepLog: opts.keepLog ?? true });
  raw.catchUp(clock.now()); // pre-fill now rather than on the first request
  const model = liveModel(raw, clock);

  const oidc = opts.oidc && (await oidcCheck(opts.oidc));

  let url = '';
  const log = opts.verbose ? (opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`))) : undefined;
  const handler = createRequestHandler({
    model: raw, // caught up once per request, to the same now as its Date header
    clock,
    edition,
    seed,
    baseUrl: () => url,
    ...(opts.apiKey !== undefined && { apiKey: opts.apiKey }),
    ...(opts.omitRoutes && { omitRoutes: opts.omitRoutes }),
    ...(opts.role && { role: opts.role }),
    ...(log && { log }),
    ...(oidc && { oidc }),
  });
  const tls = opts.tls ? await tlsServer(opts.tls === true ? {} : opts.tls, handler) : undefined;
  const server: Server = tls?.server ?? createServer({ keepAlive: true }, handler);
  server.keepAliveTimeout = 5000; // actix-web's default keep-alive

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
      let closing: Promise<void> | undefined;
      resolve({
        url,
        port,
        model,
        clock,
        scenario,
        seed,
        start,
        server,
        ...(tls && { tls: { cert: tls.cert, names: tls.names } }),
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}

export { type SelfSigned, selfSignedCertificate } from './certificate.js';
export { type ManualClock, manualClock, type SimClock, scaledClock } from './clock.js';
export { type FleetInstance, type FleetOptions, type FleetSimulator, startFleetSimulator } from './fleet.js';
export { formatTimestamp, parseUuid, uuidv7, uuidv7Millis } from './ids.js';
export {
  createModel,
  type LogEntry,
  MONITOR_INTERVAL_MS,
  type MonitorModel,
  nextStatus,
  RETENTION_COUNT,
  RETENTION_MS,
  STORE_EVERY_ROUNDS,
  type StoredEvent,
  selectEvent,
} from './model.js';
export {
  BUILTIN_SCENARIO_NAMES,
  builtinScenario,
  loadScenario,
  parseScenario,
  type Scenario,
  ScenarioError,
  type Step,
} from './scenario.js';
export { FELDERA_VERSION, OMIT_ROUTES, type OmitRoute, type SimRole } from './server.js';
export { charCount, type Edition, INFO_MAX_CHARS, TRUNCATION_SUFFIX, truncateInfo } from './texts.js';
