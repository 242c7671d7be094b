/**
 * The command tree. Commander, this file and the `event get` path load at start-up; every other
 * command's module is imported when that command runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors.js';
import { makeContext, type Context } from './context.js';
import { SERVICES } from './api/types.js';
import type { GlobalFlags } from './config/connection.js';
import { processIO } from './io/io.js';
// The hot path (`event get latest`, what scripts run in loops) is part of the main chunk:
// one file to load instead of a waterfall of small ones.
import { run as eventGet } from './commands/event/get.js';

const VERSION = '0.1.0';

type Runner = (opts: Record<string, unknown>, ctx: Context, args: string[]) => Promise<number>;

interface RunState {
  code: number;
  json: boolean;
}

const state: RunState = { code: 0, json: false };
let controller: AbortController | undefined;
let longRunning = false;

/** Wrap a lazily loaded command: build the context, run, map errors to exit codes. */
function action(load: () => Promise<Runner>, opts: { longRunning?: boolean } = {}) {
  return async (...argv: unknown[]) => {
    const cmd = argv[argv.length - 1] as Command;
    const args = cmd.args.slice(0, cmd.registeredArguments.length);
    const all = cmd.optsWithGlobals() as Record<string, unknown> & GlobalFlags & { color?: boolean; json?: boolean };
    state.json = Boolean(all.json);
    longRunning = Boolean(opts.longRunning);
    const run = await load();
    const io = processIO(all.color);
    controller = new AbortController();
    const ctx = makeContext({ io, flags: all, signal: controller.signal });
    state.code = await run(all, ctx, args);
  };
}

function globalOptions(program: Command): void {
  program
    .option('--host <url>', 'Feldera instance URL (env FELDERA_HOST; default http://127.0.0.1:8080)')
    .option('--profile <name>', 'stored profile to use (env CLUSTER_PROFILE)')
    .option('--tenant <tenant>', 'acting tenant, sent as Feldera-Tenant (env FELDERA_TENANT)')
    .option('--insecure', 'skip TLS certificate verification (env FELDERA_TLS_INSECURE)')
    .option('--ca-cert <file>', 'extra PEM CA bundle (env FELDERA_HTTPS_TLS_CERT)')
    .option('--request-timeout <seconds>', 'per-request timeout, default 10 (env FELDERA_REQUEST_TIMEOUT)')
    .option('--retries <n>', 'retries for transient failures, default 3 (env FELDERA_RETRIES)')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output (also NO_COLOR)')
    .option('--verbose', 'trace requests and decisions on stderr (never secrets)');
}

const STALE_HELP = 'an all-healthy latest event older than this means the recorder stopped (default 12m)';

export function buildProgram(): Command {
  const program = new Command('cluster');
  program
    .description('Watch the health of a Feldera instance: its cluster monitor events, at a terminal, in scripts, in watch loops.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run `cluster --help` for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  cluster login                              store a host and key (verified)
  cluster event get latest                   the latest check of all services
  cluster event get latest --json | jq .all_healthy
  cluster event list --since 6h --unhealthy  what went wrong in the last 6 h
  cluster event watch                        every change, without gaps
  cluster status                             is it healthy now? (exit code)
  cluster simulate --port 0                  a Feldera-like server on loopback

Exit codes: 0 ok/healthy, 1 failed, 2 not all healthy, 3 stale, 64 usage,
            124 timeout, 130 interrupted.`,
    );
  globalOptions(program);

  program
    .command('simulate')
    .description('run a Feldera-compatible cluster-monitor server on 127.0.0.1 (for demos and tests)')
    .option('--port <port>', 'port to listen on; 0 picks a free one (the URL is printed first)', '8080')
    .option('--api-key <key>', 'require this bearer API key (auth on, like an instance with an identity provider)')
    .option('--scenario <name|file>', 'healthy, startup, compiler-outage, flapping, stalled, long-info, retention, or a JSON file', 'healthy')
    .option('--speed <n>', 'simulated seconds per real second', '1')
    .option('--history <duration>', 'pre-fill this much past history, e.g. 2h, 72h')
    .option('--seed <n>', 'seed for deterministic ids and texts')
    .addOption(new Option('--edition <edition>', 'changes resources texts and /v0/config').choices(['community', 'enterprise']).default('community'))
    .option('--omit-route <route>', 'answer 404 like an older server for cluster_healthz or cluster_events (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText('after', '\nExamples:\n  cluster simulate --port 0 --speed 60 --history 2h\n  cluster simulate --scenario compiler-outage --api-key apikey:secret')
    .action(
      action(async () => {
        const { runSimulate } = await import('./commands/simulate.js');
        return (opts, ctx) => runSimulate(opts as never, ctx.io, ctx.signal);
      }, { longRunning: true }),
    );

  program
    .command('login')
    .description('store a host and credential as a profile, verified against the server first')
    .option('--api-key-stdin', 'read the API key from standard input')
    .option('--token-command <cmd>', 'shell command that prints a bearer token, run on every invocation (OIDC workload identity)')
    .option('--no-verify', 'save without contacting the server')
    .addHelpText(
      'after',
      '\nExamples:\n  cluster login                                   (asks for host and key)\n  cluster login --host https://feldera.example.com --api-key-stdin < key.txt\n  cluster login --profile prod --host https://f.example.com \\\n      --token-command "gcloud auth print-identity-token"',
    )
    .action(action(async () => (await import('./commands/login.js')).run as Runner));

  program
    .command('logout')
    .description('remove a stored profile and its credential')
    .option('--all', 'remove every profile')
    .addHelpText('after', '\nExamples:\n  cluster logout                  the current profile\n  cluster logout --profile prod\n  cluster logout --all')
    .action(action(async () => (await import('./commands/logout.js')).run as Runner));

  const profile = program.command('profile').description('list and choose stored profiles');
  profile
    .command('list')
    .alias('ls')
    .description('list stored profiles (current one marked)')
    .option('--json', 'print JSON (credentials masked)')
    .addHelpText('after', '\nExamples:\n  cluster profile list\n  cluster profile list --json | jq -r \'.[].name\'')
    .action(action(async () => (await import('./commands/profile/list.js')).run as Runner));
  profile
    .command('use')
    .description('make a profile the current one')
    .argument('<name>', 'profile name')
    .addHelpText('after', '\nExamples:\n  cluster profile use prod\n  CLUSTER_PROFILE=staging cluster status     (one command only)')
    .action(action(async () => (await import('./commands/profile/use.js')).run as Runner));

  const auth = program.command('auth').description('inspect authentication');
  auth
    .command('status')
    .description('where each connection setting comes from, reachability, server version, tenant and role')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  cluster auth status\n  cluster auth status --profile prod --json | jq .server')
    .action(action(async () => (await import('./commands/auth/status.js')).run as Runner));

  const event = program.command('event').alias('events').description('read cluster monitor events');
  event
    .command('get')
    .description('show one event: `latest`, a UUID, or a unique id prefix (8+ hex characters)')
    .argument('<id>', 'latest | UUID | id prefix')
    .addOption(new Option('-s, --selector <selector>', 'status: statuses only; all: with the services\' reports').choices(['status', 'all']).default('status'))
    .option('--json', 'print the server\'s JSON object')
    .option('--utc', 'show times in UTC')
    .option('--stale-after <duration>', STALE_HELP, '12m')
    .option('--exit-status', 'exit 2 when not all healthy, 3 when latest is stale')
    .addHelpText('after', '\nExamples:\n  cluster event get latest\n  cluster event get 0193a5c2 --selector all\n  cluster event get latest --json | jq .all_healthy')
    .action(action(async () => eventGet as Runner));

  const listOpts = (c: Command) =>
    c
      .option('--since <when>', 'from this time on: a duration (2h, 3d) or an RFC 3339 time')
      .option('--until <when>', 'up to this time: a duration ago or an RFC 3339 time')
      .option('--utc', 'show times in UTC')
      .option('--json', 'print JSON');

  listOpts(
    event
      .command('list')
      .alias('ls')
      .description('the retained event history (newest first)')
      .option('--unhealthy', 'only events that are not all healthy')
      .addOption(new Option('--service <service>', 'only events where this service is not healthy').choices([...SERVICES]))
      .option('--limit <n>', 'at most this many events')
      .option('--reverse', 'oldest first')
      .option('--wide', 'full event ids')
      .option('--incidents', 'group into incidents (same as `event incidents`)')
      .option('--timeline', 'draw a timeline (same as `event timeline`)')
      .option('--width <columns>', 'with --timeline: width of the picture in columns')
      .option('--stale-after <duration>', STALE_HELP, '12m'),
  )
    .addHelpText('after', '\nExamples:\n  cluster event list --since 6h\n  cluster event list --unhealthy --service compiler --json | jq length')
    .action(action(async () => (await import('./commands/event/list.js')).run as Runner));

  listOpts(
    event
      .command('incidents')
      .description('consecutive non-healthy events of each service, grouped into incidents')
      .addOption(new Option('--service <service>', 'only this service').choices([...SERVICES]))
      .addHelpText('after', '\nExamples:\n  cluster event incidents --since 24h\n  cluster event incidents --service compiler --json | jq \'.[0]\''),
  ).action(action(async () => (await import('./commands/event/incidents.js')).run as Runner));

  event
    .command('timeline')
    .description('a picture of the retained window: one row per service, availability below')
    .option('--since <when>', 'start of the window: a duration (6h) or an RFC 3339 time (default: all retained)')
    .option('--stale-after <duration>', 'a healthy stretch with no event for longer than this is drawn as unknown (default 12m)', '12m')
    .option('--width <columns>', 'width of the picture in columns, labels included (default: the terminal width)')
    .option('--utc', 'show times in UTC')
    .option('--json', 'print slices and availability as JSON')
    .addHelpText('after', '\nExamples:\n  cluster event timeline\n  cluster event timeline --since 6h --width 100\n  cluster event timeline --json | jq \'.services[].availability_percent\'')
    .action(action(async () => (await import('./commands/event/timeline.js')).run as Runner));

  event
    .command('watch')
    .description('follow events as they are recorded: cheap polling, every change, no gaps')
    .option('--interval <duration>', 'poll interval, at least 1s', '10s')
    .option('--since <when>', 'first replay retained history from a duration, RFC 3339 time or event id')
    .option('--details', 'show the reports of a service that turned unhealthy')
    .option('--json', 'NDJSON: one server event object per line')
    .option('--utc', 'show times in UTC')
    .option('--stale-after <duration>', STALE_HELP, '12m')
    .addOption(new Option('--until <condition>', 'exit 0 once the condition holds').choices(['healthy', 'unhealthy', 'change']))
    .option('--timeout <duration>', 'give up after this long (exit 124)')
    .addHelpText('after', '\nExamples:\n  cluster event watch\n  cluster event watch --json | jq -c \'select(.all_healthy|not)\'\n  cluster event watch --until healthy --timeout 5m')
    .action(action(async () => (await import('./commands/event/watch.js')).run as Runner, { longRunning: true }));

  program
    .command('status')
    .description('is it healthy now? exit 0 healthy, 2 not, 3 stale, 1 unreachable')
    .option('--json', 'print the HealthStatus object (per profile with --all-profiles)')
    .option('--stale-after <duration>', STALE_HELP, '12m')
    .option('--all-profiles', 'check every stored profile concurrently')
    .option('-p, --profiles <names>', 'check these profiles (comma-separated)')
    .option('--utc', 'show times in UTC')
    .addHelpText('after', '\nExamples:\n  cluster status\n  cluster status --all-profiles\n  cluster status --json | jq .compiler.healthy')
    .action(action(async () => (await import('./commands/status.js')).run as Runner));

  return program;
}

function writeError(err: CliError): void {
  const tty = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  const red = (s: string) => (tty ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string) => (tty ? `\u001b[2m${s}\u001b[22m` : s);
  process.stderr.write(`${red('error:')} ${err.message}\n`);
  if (err.hint) process.stderr.write(dim(`hint: ${err.hint}`) + '\n');
  if (state.json) {
    process.stdout.write(JSON.stringify({ error: { kind: err.kind, message: err.message, hint: err.hint ?? null, exit_code: err.exitCode } }) + '\n');
  }
}

export async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(state.code);
    throw e;
  });
  for (const [sig, code] of [['SIGINT', EXIT.SIGINT], ['SIGTERM', EXIT.SIGTERM]] as const) {
    process.on(sig, () => {
      if (!longRunning || !controller) process.exit(code);
      if (controller.signal.aborted) process.exit(code); // second Ctrl-C: now
      controller.abort(sig);
    });
  }
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(s.replace(/^error: /, 'error: ')),
  });
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  try {
    await program.parseAsync(argv);
    return state.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
      // commander already printed the one-line error and the hint
      return EXIT.USAGE;
    }
    if (e instanceof CliError) {
      writeError(e);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`error: unexpected failure: ${err?.message ?? String(e)}\n`);
    process.stderr.write('hint: this is a bug in cluster; run again with --verbose and report it\n');
    if (process.argv.includes('--verbose') && err?.stack) process.stderr.write(err.stack + '\n');
    return EXIT.FAILURE;
  }
}
