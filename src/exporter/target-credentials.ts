/**
 * `--target-credentials FILE`: which credential a probed URL gets when no stored profile has its
 * host. A JSON file, 0600, checked like config.json (trusted-file.ts):
 *
 *   { "targets": [
 *       { "match": "*.prod.example.com", "api_key": "apikey:…" },
 *       { "match": "https://gw.example.com/feldera/", "token_command": "vault kv get -field=token secret/feldera",
 *         "tenant": "acme", "ca_cert": "/etc/ssl/internal-ca.pem" } ] }
 *
 * `match` is a pattern as for `--allow-target` (allow.ts); the first entry that matches gives the
 * credential (`api_key`, `token` or `token_command`), and optionally the tenant and a CA bundle.
 * A credential never makes a target allowed: `--allow-target` decides that on its own.
 */
import type { Credential } from '../api/auth.js';
import { CliError } from '../errors.js';
import { parseTargetPattern, type TargetPattern } from './allow.js';
import { readTrustedFile } from './trusted-file.js';

export interface TargetCredential extends TargetPattern {
  credential: Credential;
  tenant?: string;
  caCert?: string;
}

const KEYS = new Set(['match', 'api_key', 'token', 'token_command', 'tenant', 'ca_cert']);

function problem(file: string, why: string): CliError {
  return new CliError(`the target credentials file ${file} is not valid: ${why}`, {
    hint: 'expected {"targets": [{"match": "*.example.com", "api_key": "apikey:…"}, …]}; see `cluster exporter --help`',
    kind: 'config',
  });
}

function credentialOf(file: string, i: number, e: Record<string, unknown>): Credential {
  const given = (['api_key', 'token', 'token_command'] as const).filter((k) => e[k] !== undefined);
  if (given.length !== 1) throw problem(file, `entry ${i + 1} needs exactly one of api_key, token, token_command`);
  const k = given[0]!;
  const v = e[k];
  if (typeof v !== 'string' || v.trim() === '') throw problem(file, `entry ${i + 1}: ${k} must be a non-empty string`);
  if (k === 'api_key') return { kind: 'apikey', token: v.trim() };
  if (k === 'token') return { kind: 'token', token: v.trim() };
  return { kind: 'token-command', command: v };
}

export function parseTargetCredentials(text: string, file: string): TargetCredential[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw problem(file, 'it is not JSON'); // never its content: it holds credentials
  }
  const targets = (raw as { targets?: unknown } | null)?.targets;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Array.isArray(targets))
    throw problem(file, 'expected an object with a "targets" list');
  return targets.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw problem(file, `entry ${i + 1} is not an object`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !KEYS.has(k));
    if (unknown.length) throw problem(file, `entry ${i + 1} has unknown keys: ${unknown.join(', ')}`);
    if (typeof e.match !== 'string') throw problem(file, `entry ${i + 1} needs "match": a host glob or URL prefix`);
    let pattern: TargetPattern;
    try {
      pattern = parseTargetPattern(e.match);
    } catch (err) {
      throw problem(
        file,
        `entry ${i + 1}: ${(err as Error).message.replace(/^invalid --allow-target/, 'invalid match')}`,
      );
    }
    for (const k of ['tenant', 'ca_cert'] as const)
      if (e[k] !== undefined && typeof e[k] !== 'string') throw problem(file, `entry ${i + 1}: ${k} must be a string`);
    return {
      ...pattern,
      credential: credentialOf(file, i, e),
      ...(typeof e.tenant === 'string' && { tenant: e.tenant }),
      ...(typeof e.ca_cert === 'string' && { caCert: e.ca_cert }),
    };
  });
}

export function readTargetCredentials(file: string): TargetCredential[] {
  return parseTargetCredentials(readTrustedFile('target credentials file', file, { secret: true }), file);
}
