/**
 * Which Feldera versions have what this tool reads, from Feldera's history:
 * - `/v0/cluster_healthz` came in v0.121.0 (commit 303d3b2bb, compiler and runner only);
 * - the cluster monitor events and today's `/v0/cluster_healthz` in v0.201.0 (commit d0d788e11);
 * - `/v0/config/session` with `memberships` in v0.330.0 (commit de5df4c8d; before, only
 *   `{tenant_id, tenant_name}`);
 * - `unchanged_since` from the event history in v0.336.0 (commit 83023b83e). Before it, each
 *   `unchanged_since` was simply the latest event's `recorded_at`.
 */
export type Version = readonly [number, number, number];

export const FIRST_HEALTHZ: Version = [0, 121, 0];
export const FIRST_EVENTS: Version = [0, 201, 0];
export const FIRST_SESSION_MEMBERSHIPS: Version = [0, 330, 0];
export const FIRST_HISTORY_SINCE: Version = [0, 336, 0];

/** `0.150.0`, `v0.150.0-rc1` → [0, 150, 0]; undefined when it does not start like a version. */
export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function olderThan(v: Version, than: Version): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== than[i]) return v[i]! < than[i]!;
  return false;
}

export function showVersion(v: Version): string {
  return `v${v.join('.')}`;
}

/** What a server version supports of what this tool reads (`cluster version --json`'s `supports`). */
export interface Supports {
  /** `/v0/cluster_healthz` (`status`): v0.121 and newer. */
  cluster_healthz: boolean;
  /** The cluster monitor events (`event …`): v0.201 and newer. */
  cluster_events: boolean;
  /** `unchanged_since` from the event history rather than the latest event's time: v0.336 and newer. */
  unchanged_since_from_history: boolean;
}

/** What a version supports; null when the text is not a version. */
export function supportOf(version: string): Supports | null {
  const v = parseVersion(version);
  if (!v) return null;
  return {
    cluster_healthz: !olderThan(v, FIRST_HEALTHZ),
    cluster_events: !olderThan(v, FIRST_EVENTS),
    unchanged_since_from_history: !olderThan(v, FIRST_HISTORY_SINCE),
  };
}
