/**
 * `--web-config FILE`: how Prometheus's own exporters are exposed beyond loopback (the
 * exporter-toolkit format), so the same file serves this one:
 *
 *   tls_server_config:
 *     cert_file: server.crt        # relative paths are relative to the web config file
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # optional, with client_ca_file
 *     client_ca_file: clients.pem
 *     min_version: TLS13           # optional: TLS12 (default) or TLS13
 *   basic_auth_users:
 *     prometheus: $2y$10$…          # bcrypt hashes (htpasswd -nBC 10 "" | tr -d ':\n')
 *
 * Unknown keys are refused, as the toolkit refuses them. Basic authentication checks the password
 * with bcryptjs (pure JavaScript, loaded only here); a verdict is remembered (by a SHA-256 of the
 * user, the password and the hash) so a scrape every few seconds costs one hash, not one bcrypt
 * round; an unknown user costs a bcrypt comparison too, so timing does not tell users apart.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileKind } from '../config/trusted-read.js';
import { CliError } from '../errors.js';
import type { TlsOptions } from './server.js';
import { readTrustedFile } from './trusted-file.js';

export interface WebConfig {
  tls?: TlsOptions;
  /** User name → bcrypt hash. */
  users?: Map<string, string>;
}

const TOP = new Set(['tls_server_config', 'basic_auth_users', 'http_server_config']);
const TLS = new Set(['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version']);
const BCRYPT = /^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/;

function problem(file: string, why: string): CliError {
  return new CliError(`the web config ${file} is not valid: ${why}`, {
    hint: 'see the exporter-toolkit web configuration (tls_server_config, basic_auth_users) in `cluster exporter --help`',
    kind: 'config',
  });
}

function objectAt(file: string, v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw problem(file, `${where} must be a mapping`);
  return v as Record<string, unknown>;
}

/** A certificate or key file: looked at before it is read, so a FIFO or a device there is said, not waited on. */
function readPem(file: string, path: string, what: string): string {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw problem(file, `its ${what} ${path} is ${fileKind(st)}, not a regular file`);
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) throw problem(file, `its ${what} ${path} is ${fileKind(opened)}, not a regular file`);
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw problem(file, `cannot read its ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return text;
}

function tlsOf(file: string, raw: unknown): TlsOptions | undefined {
  if (raw === undefined || raw === null) return undefined;
  const t = objectAt(file, raw, 'tls_server_config');
  const unknown = Object.keys(t).filter((k) => !TLS.has(k));
  if (unknown.length) throw problem(file, `tls_server_config: not supported here: ${unknown.join(', ')}`);
  for (const k of Object.keys(t))
    if (typeof t[k] !== 'string') throw problem(file, `tls_server_config.${k} must be a string`);
  const s = t as Record<string, string | undefined>;
  if (!s.cert_file || !s.key_file) throw problem(file, 'tls_server_config needs both cert_file and key_file');
  const at = (p: string) => resolve(dirname(file), p);
  const auth = s.client_auth_type ?? 'NoClientCert';
  if (auth !== 'NoClientCert' && auth !== 'RequireAndVerifyClientCert')
    throw problem(file, `client_auth_type ${auth}: NoClientCert or RequireAndVerifyClientCert`);
  if (auth === 'RequireAndVerifyClientCert' && !s.client_ca_file)
    throw problem(file, 'client_auth_type RequireAndVerifyClientCert needs client_ca_file');
  const min = s.min_version ?? 'TLS12';
  if (min !== 'TLS12' && min !== 'TLS13') throw problem(file, `min_version ${min}: TLS12 or TLS13`);
  return {
    cert: readPem(file, at(s.cert_file), 'cert_file'),
    key: readPem(file, at(s.key_file), 'key_file'),
    ...(s.client_ca_file && { ca: readPem(file, at(s.client_ca_file), 'client_ca_file') }),
    ...(auth === 'RequireAndVerifyClientCert' && { requestCert: true }),
    minVersion: min === 'TLS13' ? 'TLSv1.3' : 'TLSv1.2',
  };
}

function usersOf(file: string, raw: unknown): Map<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const u = objectAt(file, raw, 'basic_auth_users');
  const users = new Map<string, string>();
  for (const [name, hash] of Object.entries(u)) {
    if (typeof hash !== 'string' || !BCRYPT.test(hash))
      throw problem(file, `basic_auth_users.${name}: expected a bcrypt hash ($2y$10$…, 60 characters)`);
    if (name.includes(':')) throw problem(file, `basic_auth_users: a user name has no colon (${name})`);
    users.set(name, hash);
  }
  return users.size ? users : undefined;
}

export async function readWebConfig(file: string): Promise<WebConfig> {
  const text = readTrustedFile('web config', file, { secret: false });
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw problem(file, `it is not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (raw === null || raw === undefined) return {};
  const top = objectAt(file, raw, 'the file');
  const unknown = Object.keys(top).filter((k) => !TOP.has(k));
  if (unknown.length) throw problem(file, `unknown keys: ${unknown.join(', ')}`);
  if (top.http_server_config !== undefined && top.http_server_config !== null)
    throw problem(file, 'http_server_config is not supported here (HTTP/2 and extra headers are not offered)');
  const tls = tlsOf(file, top.tls_server_config);
  const users = usersOf(file, top.basic_auth_users);
  return { ...(tls && { tls }), ...(users && { users }) };
}

/** How many verdicts are remembered; past that the oldest go. */
const REMEMBERED = 1024;
/** A hash for unknown users, so they cost the same bcrypt comparison (the password is not known to anyone). */
const NOBODY = '$2b$10$CeJlq17QFw3.q/nZIHAXeuOQH6wewj9w.nRWnzYhby0vK6ZS7drea';

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The server's `authorize`: whether an `Authorization` header names a user with the right password. */
export function basicAuth(users: ReadonlyMap<string, string>): (header: string | undefined) => Promise<boolean> {
  const verdicts = new Map<string, boolean>();
  let compare: ((s: string, hash: string) => Promise<boolean>) | undefined;
  return async (header) => {
    const given = parseBasic(header);
    if (!given) return false;
    const hash = users.get(given.user);
    const key = createHash('sha256')
      .update(`${given.user}\0${given.password}\0${hash ?? ''}`)
      .digest('base64');
    const known = verdicts.get(key);
    if (known !== undefined) return known;
    compare ??= (await import('bcryptjs')).compare;
    const matched = await compare(given.password, hash ?? NOBODY);
    const verdict = matched && hash !== undefined;
    if (verdicts.size >= REMEMBERED) verdicts.delete(verdicts.keys().next().value as string);
    verdicts.set(key, verdict);
    return verdict;
  };
}
