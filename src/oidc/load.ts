/**
 * The OIDC module, loaded on first use: in the release build it is dist/lazy/oidc.cjs with
 * openid-client in it (esbuild.config.mjs), so no other command pays for loading it. What it
 * throws comes back as the main program's CliError (its OidcError is a class of that other file).
 */
import { CliError } from '../errors.js';
import type * as Oidc from './index.js';

export type OidcModule = typeof Oidc;
export type { OidcIO, OidcLogin, Refreshed } from './index.js';

/** An OidcError of the chunk as a CliError here; anything else as it is. */
export function asCliError(e: unknown): unknown {
  const o = e as { name?: unknown; message?: unknown; hint?: unknown; kind?: unknown; exitCode?: unknown };
  if (!(e instanceof Error) || o.name !== 'OidcError') return e;
  return new CliError(String(o.message), {
    ...(typeof o.hint === 'string' && { hint: o.hint }),
    kind: typeof o.kind === 'string' ? o.kind : 'oidc',
    exitCode: typeof o.exitCode === 'number' ? o.exitCode : 1,
  });
}

/** Run `fn` with the module; its failures as CliErrors. */
export async function withOidc<T>(fn: (m: OidcModule) => Promise<T>): Promise<T> {
  const m = await import('./index.js');
  try {
    return await fn(m);
  } catch (e) {
    throw asCliError(e);
  }
}
