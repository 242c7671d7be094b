/**
 * `cluster login`: ask for (or take) a host and a credential, check them against the server, and
 * store them as a named profile. Nothing is saved when the check fails (unless --no-verify).
 *
 * No flag carries a secret: the key comes from a hidden prompt or from stdin (--api-key-stdin),
 * or a token command is stored instead (--token-command, run on every invocation).
 */
import { resolve as resolvePath } from 'node:path';
import {
  DEFAULT_HOST,
  credentialOf,
  credentialTransportProblem,
  maskSecret,
  normaliseHost,
  resolveConnection,
  type Connection,
  type GlobalFlags,
} from '../config/connection.js';
import { configPath, getProfile, updateConfig, validProfileName, type Profile, type StoredAuth } from '../config/profiles.js';
import type { Prompter } from '../io/prompt.js';
import { loginFailure, readAuthMode, verifyAccess, type AuthMode, type Verified } from './shared/verify.js';
import type { Context } from '../context.js';
import { EXIT, usageError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';

export interface LoginOptions extends GlobalFlags {
  apiKeyStdin?: boolean;
  tokenCommand?: string;
  /** commander's `--no-verify`: false when given. */
  verify?: boolean;
}

/** What `run` uses to talk to the person or read stdin; tests replace them. */
export interface LoginDeps {
  /** Questions at a terminal. Default: one on process.stdin/stderr when stdin is a TTY. */
  prompter?: Prompter;
  /** All of stdin, for --api-key-stdin when stdin is not a terminal. */
  readStdin?: () => Promise<string>;
}

/** The profile a login writes: --profile, else CLUSTER_PROFILE, else `default`. */
export function loginProfileName(flags: GlobalFlags, env: Record<string, string | undefined>): string {
  const name = flags.profile ?? (env.CLUSTER_PROFILE || 'default');
  if (!validProfileName(name)) {
    throw usageError(`invalid profile name "${sanitizeLine(name)}"`, 'use letters, digits, ".", "-" and "_" (at most 64, starting with a letter or digit)');
  }
  return name;
}

/** A key as typed or piped: one word. `apikey:…` is an API key; anything else is kept as a bearer token. */
export function parseKey(text: string, from: string): StoredAuth {
  const key = text.trim();
  if (key === '') throw usageError(`no API key ${from}`, 'API keys start with `apikey:`; create one in the Feldera web console');
  if (/\s/.test(key)) throw usageError(`the API key ${from} has more than one word or line`, 'give only the key, e.g. `cluster login --api-key-stdin < key.txt`');
  if (!/^[\x21-\x7e]+$/.test(key)) throw usageError(`the API key ${from} contains control or non-ASCII characters, which cannot be sent in an HTTP header`);
  return key.startsWith('apikey:') ? { kind: 'apikey', apiKey: key } : { kind: 'token', token: key };
}

/** How a stored credential is shown: masked, never in full. */
export function describeAuth(auth: StoredAuth): string {
  switch (auth.kind) {
    case 'apikey':
      return maskSecret(auth.apiKey);
    case 'token':
      return `bearer token ${maskSecret(auth.token)}`;
    case 'token-command':
      return `token command \`${sanitizeLine(auth.command)}\``;
    default:
      return 'none (authentication is off)';
  }
}

async function defaultReadStdin(): Promise<string> {
  const { readAll } = await import('../io/prompt.js');
  return readAll(process.stdin);
}

async function defaultPrompter(ctx: Context): Promise<Prompter | undefined> {
  if (!ctx.io.stdinIsTTY) return undefined;
  const { terminalPrompter } = await import('../io/prompt.js');
  return terminalPrompter(process.stdin, ctx.io.stderr);
}

export async function run(opts: LoginOptions & Record<string, unknown>, ctx: Context, _args: string[] = [], deps: LoginDeps = {}): Promise<number> {
  const { io, env } = ctx;
  const verify = opts.verify !== false;
  const tokenCommand = opts.tokenCommand;
  if (opts.apiKeyStdin && tokenCommand !== undefined) throw usageError('--api-key-stdin and --token-command exclude each other', 'give one way to get the credential');
  if (tokenCommand !== undefined && tokenCommand.trim() === '') throw usageError('--token-command needs a command', 'e.g. --token-command "gcloud auth print-identity-token"');
  const name = loginProfileName(opts, env);
  const config = ctx.config(); // a broken config file stops us here, untouched
  const existing = getProfile(config, name);

  const prompter = deps.prompter ?? (await defaultPrompter(ctx));
  try {
    // 1. The host: --host, else asked (default shown), else FELDERA_HOST, the profile's, the default.
    const suggested = env.FELDERA_HOST || existing?.host || DEFAULT_HOST;
    let hostText: string;
    if (opts.host !== undefined) hostText = opts.host;
    else if (prompter) hostText = await prompter.ask('Feldera host', normaliseHost(suggested));
    else hostText = suggested;
    const host = normaliseHost(hostText);

    // 2. Tenant, TLS, timeout and retries: flags > environment > defaults (never another profile's).
    const quiet: Record<string, string | undefined> = { ...env, FELDERA_API_KEY: undefined, FELDERA_AUTH_TOKEN_COMMAND: undefined, FELDERA_HOST: undefined, CLUSTER_PROFILE: undefined };
    const base: Connection = resolveConnection({ ...opts, host, profile: undefined }, quiet, { profiles: {} });
    const caCert = base.caCert !== undefined ? resolvePath(base.caCert) : undefined;
    const conn: Connection = { ...base, caCert };

    // 3. Is authentication on? Asked without a credential.
    let mode: AuthMode | undefined;
    if (verify) {
      const anon = await ctx.client({ connection: conn });
      try {
        mode = await readAuthMode(anon);
      } catch (e) {
        throw loginFailure(e, host);
      } finally {
        anon.close();
      }
      ctx.verbose(mode.on ? `authentication is on (${mode.provider})` : 'authentication is off');
    }

    // 4. The credential.
    const needCredential = mode === undefined || mode.on;
    let auth: StoredAuth = { kind: 'none' };
    const notes: string[] = [];
    if (!needCredential) {
      if (opts.apiKeyStdin && !io.stdinIsTTY) await (deps.readStdin ?? defaultReadStdin)(); // drain the pipe
      if (opts.apiKeyStdin || tokenCommand !== undefined) notes.push('authentication is off on this instance: no credential was stored');
    } else {
      // Refuse before asking for a secret that could not be sent anyway.
      const refusal = credentialTransportProblem(host, 'apikey');
      if (refusal && (mode?.on || opts.apiKeyStdin || tokenCommand !== undefined)) throw refusal;
      if (tokenCommand !== undefined) {
        auth = { kind: 'token-command', command: tokenCommand };
      } else if (opts.apiKeyStdin) {
        auth = io.stdinIsTTY && prompter ? parseKey(await prompter.askSecret('API key'), 'given') : parseKey(await (deps.readStdin ?? defaultReadStdin)(), 'on standard input');
      } else if (prompter) {
        const answer = await prompter.askSecret(mode ? 'API key' : 'API key (empty if the instance has authentication off)');
        if (answer === '' && mode === undefined) auth = { kind: 'none' };
        else auth = parseKey(answer, 'given');
      } else if (mode?.on) {
        throw usageError(
          `${host} has authentication on (${mode.provider}) and there is no terminal to ask for a key`,
          'in scripts: `cluster login --host URL --api-key-stdin < key.txt`, or --token-command CMD',
        );
      } else {
        notes.push('no credential given and the server was not asked whether it needs one (--no-verify)');
      }
      if (auth.kind === 'token') {
        notes.push('the credential does not start with `apikey:`; it is stored as a bearer token (identity-provider tokens expire: --token-command fetches a fresh one each time)');
      }
    }
    prompter?.close();

    // 5. Check that it reads cluster events, and learn the server's version.
    let verified: Verified | undefined;
    if (verify) {
      const client = await ctx.client({ connection: { ...conn, credential: credentialOf(auth), sources: { ...conn.sources, credential: 'flag' } } });
      try {
        verified = await verifyAccess(client);
      } catch (e) {
        throw loginFailure(e, host);
      } finally {
        client.close();
      }
    } else if (auth.kind !== 'none') {
      const refusal = credentialTransportProblem(host, auth.kind);
      if (refusal) throw refusal;
    }

    // 6. Save.
    const profile: Profile = { host, auth };
    if (conn.tenant !== undefined) profile.tenant = conn.tenant;
    if (conn.insecure) profile.insecure = true;
    if (caCert !== undefined) profile.caCert = caCert;
    if (verified) {
      profile.serverVersion = verified.version;
      profile.serverEdition = verified.edition;
    }
    let becameCurrent = false;
    const saved = await updateConfig(env, (data) => {
      Object.defineProperty(data.profiles, name, { value: profile, enumerable: true, writable: true, configurable: true });
      if (data.current === undefined || getProfile(data, data.current) === undefined) {
        data.current = name;
        becameCurrent = true;
      }
      return data;
    });

    // 7. Say what was saved.
    const isCurrent = saved.current === name;
    const out = io.stdout;
    out.write(`${verified ? 'Logged in to' : 'Saved without verifying'} ${host} as profile "${name}"${isCurrent ? (becameCurrent ? ' (now the current profile)' : ' (the current profile)') : ''}.\n`);
    const rows: [string, string][] = [
      ['host', host],
      ['auth', describeAuth(auth)],
    ];
    if (profile.tenant !== undefined) rows.push(['tenant', sanitizeLine(profile.tenant)]);
    if (profile.insecure) rows.push(['tls', 'certificates NOT verified (--insecure)']);
    if (profile.caCert !== undefined) rows.push(['ca-cert', sanitizeLine(profile.caCert)]);
    if (verified) {
      rows.push(['server', `Feldera ${sanitizeLine(verified.version)} (${sanitizeLine(verified.edition)})`]);
      if (verified.noEventsYet) rows.push(['events', 'none recorded yet']);
    } else {
      rows.push(['server', 'not contacted (--no-verify)']);
    }
    rows.push(['config', configPath(env)]);
    for (const [k, v] of rows) out.write(`  ${k.padEnd(8)}${v}\n`);
    if (!isCurrent) io.stderr.write(`note: the current profile is "${saved.current}"; switch with \`cluster profile use ${name}\`\n`);
    else if (env.CLUSTER_PROFILE && env.CLUSTER_PROFILE !== name) io.stderr.write(`note: CLUSTER_PROFILE=${sanitizeLine(env.CLUSTER_PROFILE)} selects another profile in this shell\n`);
    for (const n of notes) io.stderr.write(`note: ${n}\n`);
    return EXIT.OK;
  } finally {
    prompter?.close();
  }
}
