/**
 * What a command's `run` gets instead of globals: IO, clock, environment, the parsed global
 * flags, an abort signal (Ctrl-C / SIGTERM), the printer for stderr, and lazy access to config and
 * client. Tests build one with `makeContext` and a buffer IO.
 */
import { createClient, type ClientOptions, type ClusterClient } from './api/client.js';
import { resolveConnection, type Connection, type GlobalFlags } from './config/connection.js';
import { readConfig, type ConfigData } from './config/profiles.js';
import type { IO } from './io/io.js';
import { createPrinter, type Printer } from './io/printer.js';
import { systemClock, type Clock } from './util/clock.js';

export interface Context {
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
}

export interface ContextInit {
  io: IO;
  flags?: GlobalFlags;
  clock?: Clock;
  signal?: AbortSignal;
  /** For tests: a token command runner, passed to every client. */
  runTokenCommand?: ClientOptions['runTokenCommand'];
  /** Told what each request is doing (a spinner at a terminal: io/progress.ts). */
  progress?: ClientOptions['progress'];
}

export function makeContext(init: ContextInit): Context {
  const io = init.io;
  const flags = init.flags ?? {};
  const clock = init.clock ?? systemClock;
  const printer = createPrinter(io, { verbose: flags.verbose });
  let config: ConfigData | undefined;
  let connection: Connection | undefined;
  const verbose = (line: string) => printer.verbose(line);
  const ctx: Context = {
    io,
    clock,
    env: io.env,
    flags,
    signal: init.signal ?? new AbortController().signal,
    printer,
    config: () => (config ??= readConfig(io.env)),
    connection: () => (connection ??= resolveConnection(flags, io.env, ctx.config())),
    async client(opts = {}) {
      const conn = opts.connection ?? ctx.connection();
      if (conn.credentialWithheld) verbose(`not sending a credential: ${conn.credentialWithheld}`);
      return createClient(conn, {
        clock,
        trace: flags.verbose ? verbose : undefined,
        runTokenCommand: init.runTokenCommand,
        progress: init.progress,
        ...opts,
      });
    },
    verbose,
  };
  return ctx;
}
