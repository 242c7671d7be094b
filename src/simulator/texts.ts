/**
 * The info texts, in Feldera's wording (`cluster_monitor.rs`), and their truncation.
 */
import { STATUS_CODES } from 'node:http';
import type { Service } from '../api/types.js';
import { serdeJsonDisplay } from './json-text.js';

export type Edition = 'community' | 'enterprise';

/** Each info text is capped at this many Unicode characters (code points). */
export const INFO_MAX_CHARS = 8192;
export const TRUNCATION_SUFFIX = ' (truncated due to exceeding maximum number of characters)';

export const RESOURCES_NOT_AVAILABLE = 'Resources information not available in Community edition.';
/** Every service's resources text when the configuration turns resource monitoring off (`RESOURCES_INFO_DISABLED`). */
export const RESOURCES_DISABLED = 'Cluster monitoring resources information is disabled in the configuration.';

/** Timeout of one health-check request, in seconds. */
export const HEALTH_CHECK_TIMEOUT_S = 5;

const SERVICE_URLS: Record<Edition, Record<Service, string>> = {
  community: {
    api: 'http://127.0.0.1:8080/healthz',
    compiler: 'http://127.0.0.1:8085/healthz?check_storage=true',
    runner: 'http://127.0.0.1:8089/healthz',
  },
  enterprise: {
    api: 'http://feldera-api-server.feldera.svc.cluster.local:8080/healthz',
    compiler: 'http://feldera-compiler-server.feldera.svc.cluster.local:8085/healthz?check_storage=true',
    runner: 'http://feldera-kubernetes-runner.feldera.svc.cluster.local:8089/healthz',
  },
};

export function healthUrl(service: Service, edition: Edition): string {
  return SERVICE_URLS[edition][service];
}

/** `truncate_info`: cut to 8192 code points and add the suffix, only when longer. */
export function truncateInfo(text: string): string {
  if (text.length <= INFO_MAX_CHARS) return text; // fast path: UTF-16 length >= code points
  const points = Array.from(text);
  if (points.length <= INFO_MAX_CHARS) return text;
  return points.slice(0, INFO_MAX_CHARS).join('') + TRUNCATION_SUFFIX;
}

/** Number of Unicode characters (code points), as Rust's `chars().count()`. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** How one health-check request went. */
export type ProbeKind = 'healthy' | 'unhealthy' | 'unreachable' | 'timeout' | 'error';

export interface ProbeDetail {
  kind: ProbeKind;
  /** unhealthy: the response body; unreachable/timeout/error: the underlying error. */
  message?: string;
  /** unhealthy: the HTTP status (default 503). */
  status?: number;
}

/**
 * The underlying error texts. Feldera writes `source_error(&e)`: the innermost cause of reqwest's
 * error chain only (`Connection refused (os error 111)`, not hyper's wrapping of it).
 */
export const DEFAULT_DETAIL: Record<Exclude<ProbeKind, 'healthy'>, string> = {
  unhealthy: '{"status":"unhealthy"}',
  unreachable: 'Connection refused (os error 111)',
  timeout: 'operation timed out',
  error: 'connection closed before message completed',
};

function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : `${status}`;
}

/** `<svc>_self_info`, untruncated. */
export function selfInfoText(service: Service, probe: ProbeDetail, edition: Edition): string {
  const url = healthUrl(service, edition);
  switch (probe.kind) {
    case 'healthy':
      return `Healthy: The ${service} service responded successfully to the last health check.`;
    case 'unhealthy': {
      const status = statusLine(probe.status ?? 503);
      const body = serdeJsonDisplay(probe.message ?? DEFAULT_DETAIL.unhealthy);
      if (body === undefined) {
        return (
          `Unhealthy: ${service} at ${url} responded with HTTP ${status} and an invalid JSON body. ` +
          `Please check the ${service} logs for error details.`
        );
      }
      return (
        `Unhealthy: ${service} at ${url} responded with HTTP ${status} and body: ${body}. ` +
        `Please check the ${service} logs for more information.`
      );
    }
    case 'unreachable':
      return (
        `Unreachable: Unable to connect to the ${service} at ${url}. This likely means the service ` +
        `is not running, has crashed, or is not listening on the expected port. Underlying connection error: ` +
        `${probe.message ?? DEFAULT_DETAIL.unreachable}. ` +
        `Please ensure that the ${service} is running and check its logs for details.`
      );
    case 'timeout':
      return (
        `Timeout: The health check request to ${service} at ${url} did not respond within ${HEALTH_CHECK_TIMEOUT_S} seconds. ` +
        `This usually means the service is running, but it is overloaded, unresponsive, or stuck processing. ` +
        `Please check the ${service} logs for any errors or performance issues. Timeout error: ${probe.message ?? DEFAULT_DETAIL.timeout}.`
      );
    case 'error':
      return (
        `Error: An unexpected error occurred while checking the health of ${service} at ${url}: ` +
        `error sending request for url (${url}), source: ${probe.message ?? DEFAULT_DETAIL.error}. ` +
        `Please check the ${service} logs for more information.`
      );
  }
}

const WORKLOADS: Record<Service, { kind: 'Deployment' | 'StatefulSet'; name: string; port: number }> = {
  api: { kind: 'Deployment', name: 'feldera-api-server', port: 8080 },
  compiler: { kind: 'StatefulSet', name: 'feldera-compiler-server', port: 8085 },
  runner: { kind: 'StatefulSet', name: 'feldera-kubernetes-runner', port: 8089 },
};

/** A pod's conditions as Kubernetes lists them, its containers ready or not. */
function podConditions(ready: boolean): string {
  return `PodScheduled=True, Initialized=True, ContainersReady=${ready ? 'True' : 'False'}, Ready=${ready ? 'True' : 'False'}`;
}

/**
 * `<svc>_resources_info`, untruncated. Community edition has no Kubernetes to ask; Enterprise
 * describes the objects backing the service, one per line. `podSuffix` makes pod names look real.
 */
export function resourcesInfoText(service: Service, ok: boolean, edition: Edition, podSuffix: string): string {
  if (edition === 'community') return RESOURCES_NOT_AVAILABLE;
  const w = WORKLOADS[service];
  const pod = w.kind === 'Deployment' ? `${w.name}-${podSuffix}` : `${w.name}-0`;
  const lines = ok
    ? [
        `${w.kind} feldera/${w.name}: 1/1 replicas ready, 1 available, 1 up-to-date (generation 3 observed)`,
        `Pod feldera/${pod}: phase Running; conditions: ${podConditions(true)}; container ${w.name}: running, ready, 0 restarts`,
        `Service feldera/${w.name}: ClusterIP, port ${w.port}/TCP, 1 ready endpoint`,
      ]
    : [
        `${w.kind} feldera/${w.name}: 0/1 replicas ready, 0 available, 1 up-to-date (generation 3 observed)`,
        `Pod feldera/${pod}: phase Running; conditions: ${podConditions(false)}; ` +
          `container ${w.name}: waiting (CrashLoopBackOff: back-off 2m40s restarting failed container), not ready, 7 restarts`,
        `Service feldera/${w.name}: ClusterIP, port ${w.port}/TCP, 0 ready endpoints`,
      ];
  return lines.join('\n');
}
