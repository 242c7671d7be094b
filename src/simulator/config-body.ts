/**
 * The bodies of `/v0/config`, `/v0/config/session` and `/config/authentication`: what a
 * Feldera of the simulated version and edition says about itself.
 */

import type { SimRole } from './auth.js';
import { formatTimestamp } from './ids.js';
import type { Edition } from './texts.js';

export const FELDERA_VERSION = '0.337.0';
const TENANT_ID = '00000000-0000-0000-0000-000000000000';
const DAY_MS = 86_400_000;

export interface Revisions {
  revision: string;
  runtime: string;
}

/** A 40-hex-digit commit hash, reproducible from the seed. */
function revision(seed: number, salt: number): string {
  let x = (seed ^ salt) >>> 0;
  let out = '';
  while (out.length < 40) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

export const revisions = (seed: number): Revisions => ({
  revision: revision(seed, 0x5eed),
  runtime: revision(seed, 0xfe1d),
});

/** Enterprise: a license valid for a year from simulated now, so it never lapses during a run. */
function licenseValidity(nowMs: number): unknown {
  return {
    Exists: {
      current: formatTimestamp(Math.floor(nowMs) * 1000),
      valid_until: formatTimestamp((Math.floor(nowMs) + 365 * DAY_MS) * 1000),
      is_trial: false,
      description_html: '',
      extension_url: null,
      remind_starting_at: null,
      remind_schedule: 'Once',
    },
  };
}

export function configBody(edition: Edition, revs: Revisions, nowMs: number): unknown {
  const enterprise = edition === 'enterprise';
  return {
    posthog: '',
    conceptualhq: '',
    product_fruits: '',
    edition: enterprise ? 'Enterprise' : 'Open source',
    version: FELDERA_VERSION,
    revision: revs.revision,
    runtime_revision: revs.runtime,
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
    license_validity: enterprise ? licenseValidity(nowMs) : null,
    unstable_features: null,
    update_info: null,
  };
}

/**
 * The session of the caller. A caller without `read` still has a session, shown as `read`;
 * without a role given, an instance with authentication on (a key or an identity provider) makes
 * the caller an admin and an open one has no role at all.
 */
export function sessionBody(role: SimRole | undefined, authOn: boolean): unknown {
  const shown = role === 'none' ? 'read' : (role ?? (authOn ? 'admin' : null));
  return { tenant_id: TENANT_ID, tenant_name: 'default', role: shown, memberships: [] };
}

/** The simulated identity provider's issuer, under the simulator's own URL. */
export const issuerOf = (baseUrl: (() => string) | undefined): string =>
  `${baseUrl?.() ?? 'http://127.0.0.1'}/simulated-oidc`;

/** The identity provider of `simulate --oidc-issuer`, as `/config/authentication` names it. */
export interface OidcProvider {
  issuer: string;
  clientId: string;
  extraScopes: readonly string[];
}

/**
 * With `--oidc-issuer`: that provider. Else no key: no authentication; with one: an OIDC provider
 * under the simulator's own URL.
 */
export function authenticationBody(
  apiKey: string | undefined,
  baseUrl: (() => string) | undefined,
  oidc?: OidcProvider,
): unknown {
  if (oidc)
    return {
      GenericOidc: { issuer: oidc.issuer, client_id: oidc.clientId, extra_oidc_scopes: [...oidc.extraScopes] },
    };
  if (apiKey === undefined) return {};
  return { GenericOidc: { issuer: issuerOf(baseUrl), client_id: 'feldera-cluster-simulator', extra_oidc_scopes: [] } };
}
