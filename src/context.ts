/**
 * What a command's `run` gets instead of globals: IO, clock, environment, the parsed global
 * flags, an abort signal (Ctrl-C / SIGTERM), the printer for stderr, and lazy access to config and
 * client. Tests build one with `makeContext` and a buffer IO.
 */
import { defaultRunTokenCommand, sharedTokenRunner } from './api/auth.js';
import { type ClientOptions, type ClusterClient, createClient } from './api/client.js';
import { type Connection, type GlobalFlags, resolveConnection } from './config/connection.js';
import { oidcTokenSource } from './config/oidc-tokens.js';
import { type ConfigData, readConfig } from './config/profiles.js';
import type { IO } from './io/io.js';
import { createPrinter, type Printer } from './io/printer.js';
import { createScrubber, type Scrubber, scrubbedIO } from './io/secrets.js';
import { type Clock, systemClock } from './util/clock.js';

export interface Context {
  /** The streams; every write is scrubbed of the credentials this run knows of (io/secrets.ts). */
  io: IO;
  clock: Clock;
  env: Record<string, string | undefined>;
  flags: GlobalFlags;
  signal: AbortSignal;
  /** Errors, warnings, notes and --verbose lines on stderr. */
  printer: Printer;
  /** The stored config (read once, lazily). */
  config(): ConfigData;
  /** The resolved connection (flags > env > profile > defaults), lazily. */
  connection(): Connection;
  /** A client for the resolved connection (or the one given). */
  client(opts?: ClientOptions & { connection?: Connection }): Promise<ClusterClient>;
  /** A --verbose line on stderr (no-op otherwise). Never pass secrets. */
  verbose(line: string): void;
  /** What the streams will make of `text` (credentials masked): for a renderer that measures text before writing it. */
  shown(text: string): string;
  /**
   * The run's secrets filter, the one that scrubs `io`: for what leaves the process another way
   * (a hook's stdin and environment).
   */
  secrets: Scrubber;
  /** A credential learned during the run (an OIDC login's tokens): hidden from all output from now on. */
  addSecret(secret: string | undefined): void;
}

export interface ContextInit {
  io: IO;
  flags?: GlobalFlags;
  clock?: Clock;
  signal?: AbortSignal;
  /** For tests: a token command runner, passed to every client. */
  runTokenCommand?: ClientOptions['runTokenCommand'];
  /** The scrubber of the streams (one is made when not given). */
  scrubber?: Scrubber;
  /** Told what each request is doing (a spinner at a terminal: io/progress.ts). */
  progress?: ClientOptions['progress'];
}

/** The secrets a connection may send: they are scrubbed from everything written. */
function secretsOf(credential: Connection['credential']): string | undefined {
  if (credential.kind === 'oidc') return credential.accessToken;
  return credential.kind === 'apikey' || credential.kind === 'token' ? credential.token : undefined;
}

export function makeContext(init: ContextInit): Context {
  const scrubber = init.scrubber ?? createScrubber();
  const io = scrubbedIO(init.io, scrubber);
  scrubber.add(io.env.FELDERA_API_KEY?.trim());
  const flags = init.flags ?? {};
  const clock = init.clock ?? systemClock;
  const printer = createPrinter(io, { verbose: flags.verbose });
  let config: ConfigData | undefined;
  let connection: Connection | undefined;
  const verbose = (line: string) => printer.verbose(line);
  // One run of a token command at a time for all the clients of this run (api/auth.ts).
  const tokens = sharedTokenRunner(init.runTokenCommand ?? defaultRunTokenCommand, () => clock.now());
  const signal = init.signal ?? new AbortController().signal;
  // OIDC access tokens, refreshed once per process under the config lock (config/oidc-tokens.ts).
  const oidcTokens = oidcTokenSource({
    env: io.env,
    clock,
    onSecret: (s) => scrubber.add(s),
    trace: (line) => verbose(line),
    timeoutMs: () => ctx.connection().timeoutMs,
    signal,
  });
  const ctx: Context = {
    io,
    clock,
    env: io.env,
    flags,
    signal,
    printer,
    config() {
      if (config) return config;
      config = readConfig(io.env);
      // every stored credential: a fleet check uses each profile's own
      for (const p of Object.values(config.profiles)) {
        if (p.auth.kind === 'apikey') scrubber.add(p.auth.apiKey);
        if (p.auth.kind === 'token') scrubber.add(p.auth.token);
        if (p.auth.kind === 'oidc') {
          scrubber.add(p.auth.accessToken);
          scrubber.add(p.auth.refreshToken);
        }
      }
      return config;
    },
    connection() {
      if (connection) return connection;
      connection = resolveConnection(flags, io.env, ctx.config());
      if (connection.ignoredEnv)
        verbose(
          `profile "${connection.profileName}" was named with --profile, so it wins over ${connection.ignoredEnv.join(', ')} (not used)`,
        );
      return connection;
    },
    async client(opts = {}) {
      const conn = opts.connection ?? ctx.connection();
      if (conn.credentialWithheld) verbose(`not sending a credential: ${conn.credentialWithheld}`);
      scrubber.add(secretsOf(conn.credential));
      return createClient(conn, {
        clock,
        trace: flags.verbose ? verbose : undefined,
        runTokenCommand: tokens,
        onSecret: (s) => scrubber.add(s),
        oidcTokens,
        progress: init.progress,
        ...opts,
      });
    },
    verbose,
    shown: (text) => scrubber.scrub(text),
    secrets: scrubber,
    addSecret: (secret) => scrubber.add(secret),
  };
  return ctx;
}
