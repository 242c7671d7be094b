/**
 * `cluster login`: ask for (or take) a host and a credential, check them against the server, and
 * store them as a named profile. Nothing is saved when the check fails (unless --no-verify).
 *
 * No flag carries a secret: the key comes from a hidden prompt or from stdin (--api-key-stdin),
 * or a token command is stored instead (--token-command, run on every invocation), or the person
 * logs in at the instance's identity provider (--oidc: a browser, or a code with --device) and the
 * tokens it issues are stored (refreshed when they are about to expire: config/oidc-tokens.ts).
 */

import { resolve as resolvePath } from 'node:path';
import { Command, Option } from 'commander';
import { credentialTransportProblem, describeCredential } from '../api/auth.js';
import {
  type Connection,
  credentialOf,
  DEFAULT_HOST,
  type GlobalFlags,
  normaliseHost,
  resolveConnection,
} from '../config/connection.js';
import {
  configPath,
  getProfile,
  type Profile,
  type StoredAuth,
  type StoredOidc,
  updateConfig,
  validProfileName,
} from '../config/profiles.js';
import type { Context } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import type { Prompter } from '../io/prompt.js';
import { sanitizeLine } from '../io/sanitize.js';
import type { OidcIO, OidcLogin } from '../oidc/load.js';
import { type AuthMode, loginFailure, readAuthMode, type Verified, verifyAccess } from '../queries/login-check.js';
import { oidcProviderOf, type ServerOidc } from '../queries/oidc-provider.js';
import type { Factory, Run } from './factory.js';
import { examples } from './flags.js';

export interface LoginOptions {
  apiKeyStdin: boolean;
  tokenCommand?: string;
  /** False with --no-verify: save without contacting the server. */
  verify: boolean;
  /** --oidc: log in at the instance's identity provider. */
  oidc?: OidcOptions;
}

export interface OidcOptions {
  /** --device: the Device Authorization Grant instead of the browser. */
  device: boolean;
  /** False with --no-browser: print the URL, do not open a browser. */
  browser: boolean;
  /** --client-id: instead of the one the instance names. */
  clientId?: string;
  /** --callback-port: the loopback redirect's port (0: any free one). */
  callbackPort: number;
}

interface LoginFlags {
  apiKeyStdin?: boolean;
  tokenCommand?: string;
  verify: boolean;
  oidc?: boolean;
  device?: boolean;
  browser: boolean;
  clientId?: string;
  callbackPort?: number;
}

function parseClientId(text: string): string {
  if (!/^[\x21-\x7e]+$/.test(text))
    throw usageError('invalid --client-id: expected the client id as registered at the identity provider, one word');
  return text;
}

function parseCallbackPort(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535)
    throw usageError(`invalid --callback-port "${text}": expected a port number from 0 to 65535 (0: any free port)`);
  return Number(text);
}

/** --oidc and its companions, checked; undefined without --oidc. */
function oidcOptions(flags: LoginFlags): OidcOptions | undefined {
  const companions = [
    flags.device && '--device',
    !flags.browser && '--no-browser',
    flags.clientId !== undefined && '--client-id',
    flags.callbackPort !== undefined && '--callback-port',
  ].filter((f): f is string => typeof f === 'string');
  if (!flags.oidc) {
    if (companions.length) throw usageError(`${companions[0]} needs --oidc`, 'e.g. `cluster login --oidc --device`');
    return undefined;
  }
  if (flags.apiKeyStdin || flags.tokenCommand !== undefined)
    throw usageError(
      `--oidc and ${flags.apiKeyStdin ? '--api-key-stdin' : '--token-command'} exclude each other`,
      'give one way to get the credential',
    );
  if (!flags.verify)
    throw usageError(
      '--oidc and --no-verify exclude each other: the instance names the identity provider to log in at',
    );
  if (flags.device && flags.callbackPort !== undefined)
    throw usageError('--callback-port is for the browser login; --device needs no callback');
  return {
    device: flags.device ?? false,
    browser: flags.browser,
    callbackPort: flags.callbackPort ?? 0,
    ...(flags.clientId !== undefined && { clientId: flags.clientId }),
  };
}

/** What `run` uses to talk to the person or read stdin; tests replace them. */
export interface LoginDeps {
  /** Questions at a terminal. Default: one on process.stdin/stderr when stdin is a TTY. */
  prompter?: Prompter;
  /** All of stdin, for --api-key-stdin when stdin is not a terminal. */
  readStdin?: () => Promise<string>;
}

export function loginOptions(flags: LoginFlags): LoginOptions {
  if (flags.apiKeyStdin && flags.tokenCommand !== undefined)
    throw usageError('--api-key-stdin and --token-command exclude each other', 'give one way to get the credential');
  if (flags.tokenCommand !== undefined && flags.tokenCommand.trim() === '')
    throw usageError('--token-command needs a command', 'e.g. --token-command "gcloud auth print-identity-token"');
  const oidc = oidcOptions(flags);
  return {
    apiKeyStdin: flags.apiKeyStdin ?? false,
    verify: flags.verify,
    ...(flags.tokenCommand !== undefined && { tokenCommand: flags.tokenCommand }),
    ...(oidc && { oidc }),
  };
}

export function newCmdLogin(f: Factory, runF: Run<LoginOptions> = loginRun): Command {
  return new Command('login')
    .description('store a host and credential as a profile, verified against the server first')
    .option('--api-key-stdin', 'read the API key from standard input')
    .option(
      '--token-command <cmd>',
      'shell command that prints a bearer token, run on every invocation (OIDC workload identity)',
    )
    .option('--no-verify', 'save without contacting the server')
    .option('--oidc', "log in at the instance's identity provider (OIDC) in a browser; its tokens are stored")
    .option('--device', 'with --oidc: log in with a code on any device (no browser here)')
    .option('--no-browser', 'with --oidc: print the login URL instead of opening a browser')
    .addOption(
      new Option('--client-id <id>', "with --oidc: this OIDC client instead of the instance's").argParser(
        parseClientId,
      ),
    )
    .addOption(
      new Option(
        '--callback-port <port>',
        'with --oidc: the port of http://127.0.0.1:<port>/callback (default: any free port)',
      ).argParser(parseCallbackPort),
    )
    .addHelpText(
      'after',
      examples(
        'cluster login                                   (asks for host and key)',
        'cluster login --host https://feldera.example.com --api-key-stdin < key.txt',
        'cluster login --profile prod --host https://f.example.com \\',
        '    --token-command "gcloud auth print-identity-token"',
        'cluster login --oidc --host https://feldera.example.com    (opens the browser)',
        'cluster login --oidc --no-browser                          (prints the URL to open)',
        'cluster login --oidc --device                              (a code to enter on any device)',
        'cluster login --oidc --client-id cluster-cli --callback-port 8250',
      ),
    )
    .action(async (flags: LoginFlags, cmd: Command) => {
      const opts = loginOptions(flags);
      // An OIDC login waits for the browser: Ctrl-C then closes the loopback server before exiting.
      await f.run(cmd, runF, opts, { longRunning: opts.oidc !== undefined });
    });
}

/** The profile a login writes: --profile, else CLUSTER_PROFILE, else `default`. */
export function loginProfileName(flags: GlobalFlags, env: Record<string, string | undefined>): string {
  const name = flags.profile ?? (env.CLUSTER_PROFILE || 'default');
  if (!validProfileName(name)) {
    throw usageError(
      `invalid profile name "${sanitizeLine(name)}"`,
      'use letters, digits, ".", "-" and "_" (at most 64, starting with a letter or digit)',
    );
  }
  return name;
}

/** A key as typed or piped: one word. `apikey:…` is an API key; anything else is kept as a bearer token. */
export function parseKey(text: string, from: string): StoredAuth {
  const key = text.trim();
  if (key === '')
    throw usageError(`no API key ${from}`, 'API keys start with `apikey:`; create one in the Feldera web console');
  if (/\s/.test(key))
    throw usageError(
      `the API key ${from} has more than one word or line`,
      'give only the key, e.g. `cluster login --api-key-stdin < key.txt`',
    );
  if (!/^[\x21-\x7e]+$/.test(key))
    throw usageError(
      `the API key ${from} contains control or non-ASCII characters, which cannot be sent in an HTTP header`,
    );
  return key.startsWith('apikey:') ? { kind: 'apikey', apiKey: key } : { kind: 'token', token: key };
}

/**
 * How a stored credential is shown: masked, never in full. No credential means authentication is
 * off only when the server was asked (`checked`); with --no-verify nobody knows.
 */
export function describeAuth(auth: StoredAuth, checked = true): string {
  if (auth.kind !== 'none') return describeCredential(credentialOf(auth));
  return checked ? 'none (authentication is off)' : 'none (not checked: --no-verify)';
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

/** The connection to verify with: the host chosen, tenant/TLS/timeout/retries from flags > environment (never another profile's). */
function connectionFor(host: string, ctx: Context): Connection {
  const quiet = {
    ...ctx.env,
    FELDERA_API_KEY: undefined,
    FELDERA_AUTH_TOKEN_COMMAND: undefined,
    FELDERA_HOST: undefined,
    CLUSTER_PROFILE: undefined,
  };
  const base = resolveConnection({ ...ctx.flags, host, profile: undefined }, quiet, { profiles: {} });
  return { ...base, caCert: base.caCert !== undefined ? resolvePath(base.caCert) : undefined };
}

/** Is authentication on? Asked without a credential. */
async function authMode(conn: Connection, ctx: Context): Promise<AuthMode> {
  const anon = await ctx.client({ connection: conn });
  try {
    const mode = await readAuthMode(anon);
    ctx.verbose(mode.on ? `authentication is on (${mode.provider})` : 'authentication is off');
    return mode;
  } catch (e) {
    throw loginFailure(e, conn.host);
  } finally {
    anon.close();
  }
}

interface Obtained {
  auth: StoredAuth;
  notes: string[];
}

/** The credential to store: a token command, a key from stdin or the prompt, or none when the instance needs none. */
async function obtainCredential(
  opts: LoginOptions,
  ctx: Context,
  host: string,
  mode: AuthMode | undefined,
  deps: { prompter?: Prompter | undefined; readStdin: () => Promise<string> },
): Promise<Obtained> {
  const { io } = ctx;
  const notes: string[] = [];
  if (mode && !mode.on) {
    if (opts.apiKeyStdin && !io.stdinIsTTY) await deps.readStdin(); // drain the pipe
    if (opts.apiKeyStdin || opts.tokenCommand !== undefined)
      notes.push('authentication is off on this instance: no credential was stored');
    return { auth: { kind: 'none' }, notes };
  }
  // Refuse before asking for a secret that could not be sent anyway.
  const refusal = credentialTransportProblem(host, 'apikey');
  if (refusal && (mode?.on || opts.apiKeyStdin || opts.tokenCommand !== undefined)) throw refusal;
  let auth: StoredAuth = { kind: 'none' };
  if (opts.tokenCommand !== undefined) auth = { kind: 'token-command', command: opts.tokenCommand };
  else if (opts.apiKeyStdin) {
    auth =
      io.stdinIsTTY && deps.prompter
        ? parseKey(await deps.prompter.askSecret('API key'), 'given')
        : parseKey(await deps.readStdin(), 'on standard input');
  } else if (deps.prompter) {
    const answer = await deps.prompter.askSecret(
      mode ? 'API key' : 'API key (empty if the instance has authentication off)',
    );
    if (answer !== '' || mode !== undefined) auth = parseKey(answer, 'given');
  } else if (mode?.on) {
    throw usageError(
      `${host} has authentication on (${mode.provider}) and there is no terminal to ask for a key`,
      'in scripts: `cluster login --host URL --api-key-stdin < key.txt`, or --token-command CMD',
    );
  } else notes.push('no credential given and the server was not asked whether it needs one (--no-verify)');
  if (auth.kind === 'token') {
    notes.push(
      'the credential does not start with `apikey:`; it is stored as a bearer token (identity-provider tokens expire: --token-command fetches a fresh one each time)',
    );
  }
  return { auth, notes };
}

/** Check that the credential reads cluster events, and learn the server's version. */
async function verify(conn: Connection, auth: StoredAuth, ctx: Context): Promise<Verified> {
  const client = await ctx.client({
    connection: { ...conn, credential: credentialOf(auth), sources: { ...conn.sources, credential: 'flag' } },
  });
  try {
    return await verifyAccess(client);
  } catch (e) {
    throw loginFailure(e, conn.host);
  } finally {
    client.close();
  }
}

function profileOf(conn: Connection, auth: StoredAuth, verified: Verified | undefined): Profile {
  const profile: Profile = { host: conn.host, auth };
  if (conn.tenant !== undefined) profile.tenant = conn.tenant;
  if (conn.insecure) profile.insecure = true;
  if (conn.caCert !== undefined) profile.caCert = conn.caCert;
  if (verified) {
    profile.serverVersion = verified.version;
    profile.serverEdition = verified.edition;
  }
  return profile;
}

/** Save the profile; the first one saved (or one replacing a vanished current) becomes current. */
async function save(
  ctx: Context,
  name: string,
  profile: Profile,
): Promise<{ current: string | undefined; becameCurrent: boolean }> {
  let becameCurrent = false;
  const saved = await updateConfig(ctx.env, (data) => {
    Object.defineProperty(data.profiles, name, {
      value: profile,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    if (data.current === undefined || getProfile(data, data.current) === undefined) {
      data.current = name;
      becameCurrent = true;
    }
    return data;
  });
  return { current: saved.current, becameCurrent };
}

function summary(
  ctx: Context,
  name: string,
  profile: Profile,
  verified: Verified | undefined,
  saved: { current: string | undefined; becameCurrent: boolean },
  notes: string[],
): void {
  const { io, env } = ctx;
  const isCurrent = saved.current === name;
  let status = '';
  if (isCurrent) status = saved.becameCurrent ? ' (now the current profile)' : ' (the current profile)';
  io.stdout.write(
    `${verified ? 'Logged in to' : 'Saved without verifying'} ${profile.host} as profile "${name}"${status}.\n`,
  );
  const rows: [string, string][] = [
    ['host', profile.host],
    ['auth', describeAuth(profile.auth, verified !== undefined)],
  ];
  if (profile.auth.kind === 'oidc') {
    const a = profile.auth;
    rows.push(['subject', `${sanitizeLine(a.subject)}${a.email ? ` (${sanitizeLine(a.email)})` : ''}`]);
    rows.push(['issuer', `${sanitizeLine(a.issuer)} (client ${sanitizeLine(a.clientId)})`]);
    rows.push(['expires', `${a.expiresAt}${a.refreshToken ? ' (then refreshed: a refresh token is stored)' : ''}`]);
  }
  if (profile.tenant !== undefined) rows.push(['tenant', sanitizeLine(profile.tenant)]);
  if (profile.insecure) rows.push(['tls', 'certificates NOT verified (--insecure)']);
  if (profile.caCert !== undefined) rows.push(['ca-cert', sanitizeLine(profile.caCert)]);
  if (verified) {
    rows.push(['server', `Feldera ${sanitizeLine(verified.version)} (${sanitizeLine(verified.edition)})`]);
    if (verified.noEventsYet) rows.push(['events', 'none recorded yet']);
  } else rows.push(['server', 'not contacted (--no-verify)']);
  rows.push(['config', configPath(env)]);
  for (const [k, v] of rows) io.stdout.write(`  ${k.padEnd(8)}${v}\n`);
  if (!isCurrent)
    ctx.printer.note(`note: the current profile is "${saved.current}"; switch with \`cluster profile use ${name}\``);
  else if (env.CLUSTER_PROFILE && env.CLUSTER_PROFILE !== name)
    ctx.printer.note(`note: CLUSTER_PROFILE=${env.CLUSTER_PROFILE} selects another profile in this shell`);
  for (const n of notes) ctx.printer.note(`note: ${n}`);
}

export async function loginRun(opts: LoginOptions, ctx: Context, deps: LoginDeps = {}): Promise<number> {
  const name = loginProfileName(ctx.flags, ctx.env);
  const existing = getProfile(ctx.config(), name); // a broken config file stops us here, untouched
  const prompter = deps.prompter ?? (await defaultPrompter(ctx));
  try {
    // The host: --host, else asked (default shown), else FELDERA_HOST, the profile's, the default —
    // but a profile named with --profile keeps its own host over FELDERA_HOST, as everywhere.
    const named = ctx.flags.profile !== undefined ? existing?.host : undefined;
    const suggested = named ?? (ctx.env.FELDERA_HOST || existing?.host || DEFAULT_HOST);
    const hostText =
      ctx.flags.host ?? (prompter ? await prompter.ask('Feldera host', normaliseHost(suggested)) : suggested);
    const conn = connectionFor(normaliseHost(hostText), ctx);
    if (opts.oidc) {
      prompter?.close();
      return await oidcLoginRun(opts.oidc, ctx, name, conn);
    }
    const mode = opts.verify ? await authMode(conn, ctx) : undefined;
    const { auth, notes } = await obtainCredential(opts, ctx, conn.host, mode, {
      prompter,
      readStdin: deps.readStdin ?? defaultReadStdin,
    });
    prompter?.close();
    let verified: Verified | undefined;
    if (opts.verify) verified = await verify(conn, auth, ctx);
    else if (auth.kind !== 'none') {
      const refusal = credentialTransportProblem(conn.host, auth.kind);
      if (refusal) throw refusal;
    }
    const profile = profileOf(conn, auth, verified);
    summary(ctx, name, profile, verified, await save(ctx, name, profile), notes);
    return EXIT.OK;
  } finally {
    prompter?.close();
  }
}

/** What the OIDC module needs of this run: where to tell the person what to do, the clock, Ctrl-C. */
function oidcIO(ctx: Context, timeoutMs: number): OidcIO {
  return {
    notify: (text) => void ctx.io.stderr.write(`${text}\n`),
    ...(ctx.flags.verbose && { trace: (line: string) => ctx.verbose(line) }),
    onSecret: (s) => ctx.addSecret(s),
    signal: ctx.signal,
    timeoutMs,
    now: () => ctx.clock.now(),
    env: ctx.env,
  };
}

/** The instance's identity provider, asked without a credential. */
async function serverOidc(conn: Connection, ctx: Context): Promise<ServerOidc> {
  const anon = await ctx.client({ connection: conn });
  let server: ServerOidc | undefined;
  try {
    server = oidcProviderOf((await anon.authConfig()).data, conn.host);
  } catch (e) {
    throw loginFailure(e, conn.host);
  } finally {
    anon.close();
  }
  if (!server)
    throw new CliError(`${conn.host} has authentication off: there is no identity provider to log in at`, {
      hint: `save the host without a credential: \`cluster login --host ${conn.host}\``,
      kind: 'usage',
    });
  ctx.verbose(
    `identity provider: ${server.provider} ${sanitizeLine(server.issuer)}, client ${sanitizeLine(server.clientId ?? '(none named)')}`,
  );
  return server;
}

/** The tokens must read cluster events; a refusal is said in OIDC terms (not "check the key"). */
async function verifyOidc(conn: Connection, login: OidcLogin, ctx: Context): Promise<Verified> {
  try {
    return await verify(conn, { kind: 'token', token: login.accessToken }, ctx);
  } catch (e) {
    if (!(e instanceof CliError) || e.kind !== 'unauthorized') throw e;
    throw new CliError(e.message.replace('rejected the credential', "rejected the identity provider's access token"), {
      hint: 'the instance may expect another audience, issuer or client (see its /config/authentication); nothing was saved',
      kind: 'unauthorized',
      exitCode: e.exitCode,
    });
  }
}

/** A login that will not be stored leaves no live refresh token behind, where the issuer can revoke it. */
async function revokeUnused(login: OidcLogin, ctx: Context, io: OidcIO): Promise<void> {
  const { revocationEndpoint, refreshToken } = login;
  if (!revocationEndpoint || !refreshToken) return;
  const { withOidc } = await import('../oidc/load.js');
  await withOidc((m) => m.revokeToken({ ...login, revocationEndpoint }, refreshToken, 'refresh_token', io)).catch(
    (e: unknown) => ctx.verbose(`could not revoke the unused refresh token: ${(e as Error).message}`),
  );
}

export function storedOidcOf(login: OidcLogin, opts: OidcOptions): StoredOidc {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    kind: 'oidc',
    issuer: login.issuer,
    clientId: login.clientId,
    tokenEndpoint: login.tokenEndpoint,
    ...(login.revocationEndpoint && { revocationEndpoint: login.revocationEndpoint }),
    accessToken: login.accessToken,
    expiresAt: iso(login.accessExpiresAt),
    obtainedAt: iso(login.obtainedAt),
    ...(login.refreshToken && { refreshToken: login.refreshToken }),
    subject: login.subject,
    ...(login.email !== undefined && { email: login.email }),
    ...(opts.device && { device: true }),
    ...(opts.clientId !== undefined && { clientIdFlag: true }),
  };
}

/**
 * `login --oidc`: the identity provider the instance names; a login there (browser or device code);
 * the ID token checked (in the OIDC module); the access token must read cluster events; then the
 * profile is stored with the tokens. Nothing is stored when any step fails.
 */
async function oidcLoginRun(opts: OidcOptions, ctx: Context, name: string, conn: Connection): Promise<number> {
  const server = await serverOidc(conn, ctx);
  const refusal = credentialTransportProblem(conn.host, 'oidc');
  if (refusal) throw refusal;
  const clientId = opts.clientId ?? server.clientId;
  if (clientId === undefined)
    throw new CliError(`${conn.host} names its identity provider (${server.provider}) without a client id`, {
      hint: 'give the OIDC client registered for command-line logins: `cluster login --oidc --client-id ID`',
      kind: 'usage',
    });
  const io = oidcIO(ctx, conn.timeoutMs);
  const req = { issuer: server.issuer, clientId, extraScopes: server.extraScopes };
  const { withOidc } = await import('../oidc/load.js');
  const login = await withOidc((m) =>
    opts.device ? m.deviceLogin(req, io) : m.browserLogin(req, { open: opts.browser, port: opts.callbackPort }, io),
  );
  let verified: Verified;
  try {
    verified = await verifyOidc(conn, login, ctx);
  } catch (e) {
    await revokeUnused(login, ctx, io);
    throw e;
  }
  const profile = profileOf(conn, storedOidcOf(login, opts), verified);
  const notes = login.refreshToken
    ? []
    : [
        `the identity provider issued no refresh token (it does not offer offline_access), so the login ends when the access token expires, at ${new Date(login.accessExpiresAt).toISOString()}`,
      ];
  summary(ctx, name, profile, verified, await save(ctx, name, profile), notes);
  return EXIT.OK;
}
