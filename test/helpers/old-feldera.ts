/**
 * A Feldera of v0.121–v0.200 as its API server answered (read from Feldera's history: commit
 * 303d3b2bb `cluster_health.rs` / `cluster_healthz.rs`, replaced in d0d788e11 for v0.201.0):
 * `/v0/cluster_healthz` with `{runner, compiler}` only (200 when both are healthy, else 503 with
 * the same body), timestamps as chrono prints `Utc::now()` (nine fraction digits), `/v0/config`
 * with its version, and a bodyless 404 for the cluster event routes it does not have.
 */
import { type FakeServer, fakeServer } from './fake-server.js';

export interface OldFelderaOptions {
  version?: string;
  compiler?: boolean;
  runner?: boolean;
  /** Age of the last check (the monitor checks every 10 s). */
  checkedAgoMs?: number;
  /** Answer 404 on /v0/cluster_healthz too (older than v0.121). */
  noHealthz?: boolean;
  /** The server's clock (default: the real one): its Date header and its times. */
  now?: () => number;
}

/** `2025-12-08T12:00:05.123456789Z`: chrono's AutoSi for a nanosecond clock. */
const nanos = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '456789Z');

export function legacyBody(o: OldFelderaOptions, now: number): unknown {
  const checked = nanos(now - (o.checkedAgoMs ?? 4000));
  const svc = (name: string, ok: boolean) => ({
    healthy: ok,
    message: ok
      ? `Healthy: The ${name} service responded successfully to the last health check.`
      : `Unreachable: Unable to connect to the ${name} at http://127.0.0.1:8089/healthz. This likely means the service is not running, has crashed, or is not listening on the expected port. Underlying connection error: Connection refused (os error 111). Please ensure that the ${name} is running and check its logs for details.`,
    unchanged_since: nanos(now - 3_600_000),
    checked_at: checked,
  });
  return { runner: svc('runner', o.runner ?? true), compiler: svc('compiler', o.compiler ?? true) };
}

export function oldFeldera(o: OldFelderaOptions = {}): Promise<FakeServer> {
  return fakeServer((req) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v0/config')
      return {
        status: 200,
        json: {
          edition: 'Open source',
          version: o.version ?? '0.150.0',
          revision: '0123456789abcdef0123456789abcdef01234567',
        },
      };
    if (path === '/v0/cluster_healthz' && !o.noHealthz) {
      const healthy = (o.compiler ?? true) && (o.runner ?? true);
      const now = o.now?.() ?? Date.now();
      return {
        status: healthy ? 200 : 503,
        json: legacyBody(o, now),
        headers: { date: new Date(now).toUTCString() },
      };
    }
    return { status: 404 };
  });
}
