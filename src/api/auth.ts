/**
 * Credentials on the wire: which kinds there are, where they may travel, how the bearer header is
 * made (a token command runs once per client, again on refresh), and how a secret is shown when it
 * must be shown at all (masked) or must not be (redacted).
 */
import { CliError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import { maskSecret, redactSecrets } from '../io/secrets.js';

export { maskSecret, redactSecrets };

export type Credential =
  | { kind: 'none' }
  | { kind: 'apikey'; token: string }
  | { kind: 'token'; token: string }
  | { kind: 'token-command'; command: string }
  | OidcCredential;

/**
 * A profile's OIDC login (`cluster login --oidc`): its access token as read from the config, sent
 * while it is fresh; when it is about to expire, `OidcTokens` gives a refreshed one.
 */
export interface OidcCredential {
  kind: 'oidc';
  /** The profile that holds the login (its refresh token is read and rotated there, under the config lock). */
  profile: string;
  issuer: string;
  subject: string;
  email?: string;
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  obtainedAt: number;
}

/**
 * Where an OIDC credential's access token comes from: the one in hand while fresh, else one
 * refreshed under the config lock (config/oidc-tokens.ts). `rejected`: the server refused this
 * token, so it will not do even if it looks fresh.
 */
export type OidcTokens = (c: OidcCredential, o?: { rejected?: string }) => Promise<string>;

/** How long before its expiry an access token is refreshed: 30 s, or half its lifetime when that is shorter. */
export function refreshMarginMs(c: { expiresAt: number; obtainedAt: number }): number {
  return Math.min(30_000, Math.max(0, (c.expiresAt - c.obtainedAt) / 2));
}

/** An access token that will still be valid when a request made now arrives. */
export function isFresh(c: { expiresAt: number; obtainedAt: number }, now: number): boolean {
  return c.expiresAt - now > refreshMarginMs(c);
}

export function describeCredential(c: Credential): string {
  switch (c.kind) {
    case 'apikey':
      return `api key ${maskSecret(c.token)}`;
    case 'token':
      return `bearer token ${maskSecret(c.token)}`;
    case 'token-command':
      return `token command \`${sanitizeLine(c.command)}\``;
    case 'oidc':
      return `OIDC login ${sanitizeLine(c.email ?? c.subject)}`;
    default:
      return 'none';
  }
}

/**
 * A loopback address, or the name `localhost`. Names under `.localhost` do not count: the system
 * resolver here (glibc, "files dns") hands them to DNS, whose answer can be any address, and a key
 * would then travel in clear off the machine.
 */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/**
 * Bearer credentials travel over https, or over plain http to a loopback address only. Returns the
 * refusal to throw for any other http host, or undefined when sending is fine.
 */
export function credentialTransportProblem(
  host: string,
  credential: Credential | Credential['kind'],
): CliError | undefined {
  const kind = typeof credential === 'string' ? credential : credential.kind;
  if (kind === 'none') return undefined;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return undefined;
  return new CliError(`refusing to send a bearer credential in clear text to ${host}`, {
    hint: 'use https:// for this host; credentials go over plain http only to a loopback address (127.0.0.1, ::1, localhost)',
    kind: 'insecure-credential',
  });
}

/** Run a token command; `fresh`: a token run earlier will not do (the server refused it). */
export type RunTokenCommand = (command: string, opts?: { fresh?: boolean }) => Promise<string>;

/** How long a token from a finished run may be handed to another client of the same process. */
export const TOKEN_REUSE_MS = 60_000;

/**
 * A token runner shared by the clients of one process (context.ts). The exporter and the fleet
 * view make a client per read: without this each read ran the command again, and a command that
 * hangs was started anew on every read while the earlier ones still ran. Now a command runs once
 * at a time — a client that asks meanwhile gets that run's result — and its token serves other
 * clients for TOKEN_REUSE_MS; a refresh (after a 401) waits for no cache.
 */
export function sharedTokenRunner(run: RunTokenCommand, now: () => number): RunTokenCommand {
  const runs = new Map<string, { token: Promise<string>; doneAt?: number }>();
  return (command, o = {}) => {
    const last = runs.get(command);
    if (last && (last.doneAt === undefined || (!o.fresh && now() - last.doneAt < TOKEN_REUSE_MS))) return last.token;
    const entry: { token: Promise<string>; doneAt?: number } = { token: run(command) };
    runs.set(command, entry);
    entry.token.then(
      () => (entry.doneAt = now()),
      () => runs.get(command) === entry && runs.delete(command),
    );
    return entry.token;
  };
}

/**
 * A failing token command's message is shown (it says what to fix), but a token it mentions is
 * not known to anyone yet: hide every word that looks like one — 24 or more token characters with
 * letters and digits mixed (a URL's parts and ordinary words have neither the length nor the mix).
 */
function redactOpaque(text: string): string {
  return text.replace(/[A-Za-z0-9_+=-]{24,}/g, (w) => (/\d/.test(w) && /[A-Za-z]/.test(w) ? '<redacted>' : w));
}

const TOKEN_COMMAND_TIMEOUT_MS = 30_000;
const TOKEN_OUTPUT_MAX = 1 << 20;

/** How a failed token command ended, for its message: ` (timed out after 30 s)`, ` (exit 2)`, or nothing. */
function howItEnded(r: { code: number | null; timedOut: boolean; tooMuch: boolean }, timeoutMs: number): string {
  if (r.timedOut) return ` (timed out after ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`})`;
  if (r.tooMuch) return ' (it printed more than 1 MiB)';
  return r.code !== null ? ` (exit ${r.code})` : '';
}

/**
 * Runs a token command through /bin/sh, stdin closed, 30 s at most; its first stderr line explains
 * a failure. Without a terminal, in a process group of its own (util/process-group.ts, as hooks
 * are): at the time limit the whole group is stopped, not only the shell — what it started does not
 * outlive it. With a terminal (stdin or stderr one) it stays in the terminal's session, so a
 * command that asks on /dev/tty (a password manager's sign-in) can: a new group needs a new
 * session, which has no terminal. There Ctrl-C reaches all it started from the terminal itself,
 * and the time limit stops the shell.
 */
export async function defaultRunTokenCommand(
  command: string,
  o: { fresh?: boolean; timeoutMs?: number; killGraceMs?: number; atTerminal?: boolean } = {},
): Promise<string> {
  const { spawn } = await import('node:child_process');
  const { guardGroup } = await import('../util/process-group.js');
  const timeoutMs = o.timeoutMs ?? TOKEN_COMMAND_TIMEOUT_MS;
  const atTerminal = o.atTerminal ?? Boolean(process.stdin.isTTY || process.stderr.isTTY);
  return new Promise((resolve, reject) => {
    let child: import('node:child_process').ChildProcessWithoutNullStreams;
    try {
      child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: !atTerminal });
    } catch (e) {
      reject(
        new CliError(`the token command could not be started: ${sanitizeLine((e as Error).message)}`, {
          kind: 'token-command',
        }),
      );
      return;
    }
    const guard = guardGroup(child, {
      timeoutMs,
      killGraceMs: o.killGraceMs ?? 2000,
      forwardSignals: !atTerminal,
      ownGroup: !atTerminal,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let tooMuch = false;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > TOKEN_OUTPUT_MAX) {
        tooMuch = true;
        guard.kill();
      } else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += c.toString('utf8');
    });
    child.stdin.on('error', () => {});
    child.stdin.end(); // a command that reads stdin gets end-of-file, not a 30 s wait
    const fail = (status: string) => {
      const first = redactOpaque(redactSecrets(sanitizeLine(stderr.trim().split('\n')[0] ?? '')));
      reject(
        new CliError(`the token command failed${status}${first ? `: ${first.slice(0, 200)}` : ''}`, {
          hint: "check FELDERA_AUTH_TOKEN_COMMAND or the profile's --token-command (see `cluster auth status`)",
          kind: 'token-command',
        }),
      );
    };
    child.on('error', (e) => {
      guard.release();
      fail(`: ${sanitizeLine(e.message)}`);
    });
    child.on('close', (code) => {
      guard.release();
      const timedOut = guard.timedOut();
      if (timedOut || tooMuch || code !== 0) return fail(howItEnded({ code, timedOut, tooMuch }, timeoutMs));
      const token = Buffer.concat(out).toString('utf8').trim();
      if (!token)
        reject(
          new CliError('the token command printed nothing', {
            hint: 'it should print a bearer token on standard output',
            kind: 'token-command',
          }),
        );
      else resolve(token);
    });
  });
}

/** A bearer token must fit in one header line: printable ASCII, no spaces. */
function validToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

export interface Authorizer {
  /** The `Authorization` header value, or undefined without a credential. Runs the token command when needed. */
  header(): Promise<string | undefined>;
  /** Run the token command again (or refresh an OIDC access token) on the next request: tokens expire. False when there is nothing to renew. */
  refresh(): boolean;
  /** The secret in use, once known: scrubbed from anything that leaves the client. */
  secret(): string | undefined;
}

export function createAuthorizer(
  credential: Credential,
  opts: {
    runTokenCommand?: RunTokenCommand;
    trace?: (line: string) => void;
    onSecret?: (token: string) => void;
    fromEnv?: boolean;
    /** For an OIDC credential: a fresh access token (refreshed under the config lock when needed). */
    oidcTokens?: OidcTokens;
  } = {},
): Authorizer {
  const run = opts.runTokenCommand ?? defaultRunTokenCommand;
  let token: string | undefined;
  let stale = true;
  /** Asked before every request: the source answers from memory while the token is fresh. */
  const oidcHeader = async (c: OidcCredential): Promise<string> => {
    const rejected = stale && token !== undefined ? token : undefined;
    const t = opts.oidcTokens ? await opts.oidcTokens(c, rejected ? { rejected } : {}) : c.accessToken;
    opts.onSecret?.(t);
    if (!validToken(t)) {
      throw new CliError(`the access token of profile "${c.profile}" is not a single bearer token`, {
        hint: `log in again with \`cluster login --oidc --profile ${c.profile}\``,
        kind: 'config',
      });
    }
    token = t;
    stale = false;
    return `Bearer ${t}`;
  };
  return {
    async header() {
      const c = credential;
      if (c.kind === 'none') return undefined;
      if (c.kind === 'oidc') return oidcHeader(c);
      if (c.kind === 'apikey' || c.kind === 'token') {
        if (!validToken(c.token)) {
          const what = c.kind === 'apikey' ? 'API key' : 'token';
          const from = opts.fromEnv ? 'FELDERA_API_KEY' : 'stored credential';
          throw new CliError(`the ${what} (${from}) contains spaces or control characters`, {
            hint: 'a bearer credential is one word of printable characters; check for stray quotes or line breaks',
            kind: 'config',
          });
        }
        return `Bearer ${c.token}`;
      }
      if (stale || token === undefined) {
        opts.trace?.('running the token command');
        const t = await run(c.command, { fresh: token !== undefined });
        opts.onSecret?.(t);
        if (!validToken(t)) {
          throw new CliError(
            'the token command printed something that is not a single bearer token (spaces, several lines or control characters)',
            {
              hint: 'it should print only the token on standard output',
              kind: 'token-command',
            },
          );
        }
        token = t;
        stale = false;
      }
      return `Bearer ${token}`;
    },
    refresh() {
      if (credential.kind !== 'token-command' && credential.kind !== 'oidc') return false;
      stale = true;
      return true;
    },
    secret() {
      return credential.kind === 'apikey' || credential.kind === 'token' ? credential.token : token;
    },
  };
}

/** Replace the secret with its mask in an error's message and hint (the last line of defence). */
export function scrubSecret<E extends Error>(e: E, secret: string | undefined): E {
  if (!secret || secret.length < 4) return e;
  const mask = maskSecret(secret);
  if (e.message.includes(secret)) e.message = e.message.split(secret).join(mask);
  const hint = (e as { hint?: unknown }).hint;
  if (typeof hint === 'string' && hint.includes(secret))
    Object.defineProperty(e, 'hint', { value: hint.split(secret).join(mask) });
  return e;
}
