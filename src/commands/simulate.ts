/**
 * `cluster simulate`: run the Feldera cluster-monitor simulator until interrupted.
 * The URL goes to stdout first thing (scripts read that line); a summary goes to stderr.
 */
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { wrapWords } from '../io/wrap.js';
import type { Simulator } from '../simulator/index.js';
import { OMIT_ROUTES, type OmitRoute } from '../simulator/options.js';
import { BUILTIN_SCENARIO_NAMES, loadScenario, type Scenario, ScenarioError } from '../simulator/scenario.js';
import type { Edition } from '../simulator/texts.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { didYouMean, withSuggestion } from '../util/suggest.js';
import type { Factory, Run } from './factory.js';
import { choiceOption, examples } from './flags.js';

export interface SimulateOptions {
  port: number;
  apiKey?: string;
  scenario: Scenario;
  speed: number;
  /** Pre-filled history, ms. */
  history?: number;
  seed?: number;
  edition: Edition;
  omitRoutes: OmitRoute[];
  /** `--tls`: serve HTTPS with a certificate made at start, for these extra names, written to `certOut` (else a temporary file). */
  tls?: { names: string[]; certOut?: string };
  /** `--instances N`: N instances under /i/0 … /i/N-1, playing `scenarios` in turn. */
  instances?: { count: number; scenarios: Scenario[] };
  /** `--oidc-issuer` and its companions: bearer JWTs checked as Feldera's GenericOidc does. */
  oidc?: { issuer: string; audience: string; clientId: string; extraScopes: string[]; leewayS: number };
}

/** What commander parsed: the options, but `--omit-route` repeated as given and the TLS and OIDC flags apart. */
type SimulateFlags = Omit<SimulateOptions, 'omitRoutes' | 'tls' | 'scenario' | 'instances' | 'oidc'> & {
  scenario: Scenario[];
  omitRoute?: OmitRoute[];
  tls?: boolean;
  tlsName?: string[];
  certOut?: string;
  instances?: number;
  oidcIssuer?: string;
  audience?: string;
  oidcClientId?: string;
  oidcScope?: string[];
  jwtLeeway?: number;
};

/** Feldera's defaults (the simulator's own copy: simulator/index.ts is loaded only when it starts). */
const DEFAULT_AUDIENCE = 'feldera-api';
const DEFAULT_OIDC_CLIENT_ID = 'feldera';

function parseIssuer(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username)
    throw usageError(
      `invalid --oidc-issuer "${text}": expected the issuer URL, e.g. https://login.example.com/oauth2/default`,
    );
  return text;
}

/** One word of printable ASCII: an audience, a client id or a scope. */
function parseWord(flag: string) {
  return (text: string): string => {
    if (!/^[\x21-\x7e]+$/.test(text)) throw usageError(`invalid ${flag} "${text}": expected one word, no spaces`);
    return text;
  };
}

function parseScope(text: string, previous: string[] = []): string[] {
  return [...previous, parseWord('--oidc-scope')(text)];
}

function parseLeeway(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()))
    throw usageError(`invalid --jwt-leeway "${text}": expected whole seconds, e.g. 0 or 60`);
  return Number(text);
}

/** `--oidc-issuer` with its companions, or a usage error when a companion comes without it. */
function oidcOptions(flags: SimulateFlags): SimulateOptions['oidc'] {
  if (flags.oidcIssuer === undefined) {
    const alone = [
      flags.audience !== undefined && '--audience',
      flags.oidcClientId !== undefined && '--oidc-client-id',
      flags.oidcScope !== undefined && '--oidc-scope',
      flags.jwtLeeway !== undefined && '--jwt-leeway',
    ].find((f) => typeof f === 'string');
    if (alone)
      throw usageError(`${alone} needs --oidc-issuer`, 'e.g. cluster simulate --oidc-issuer https://login.example.com');
    return undefined;
  }
  return {
    issuer: flags.oidcIssuer,
    audience: flags.audience ?? DEFAULT_AUDIENCE,
    clientId: flags.oidcClientId ?? DEFAULT_OIDC_CLIENT_ID,
    extraScopes: flags.oidcScope ?? [],
    leewayS: flags.jwtLeeway ?? 60,
  };
}

function parsePort(text: string): number {
  const port = text.trim();
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535)
    throw usageError(`invalid --port "${text}": expected a port number from 0 to 65535 (0 picks a free port)`);
  return Number(port);
}

function parseSpeed(text: string): number {
  const t = text.trim().replace(/x$/i, '');
  const speed = Number(t);
  if (t === '' || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
    throw usageError(
      `invalid --speed "${text}": expected a positive number of simulated seconds per real second, e.g. 1 or 60`,
    );
  }
  return speed;
}

function parseHistory(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw usageError(`invalid --history "${text}": expected a duration such as 30m, 2h, 3d or 1h30m`);
  return ms;
}

function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text.trim()) || Number(text) > 0xffff_ffff)
    throw usageError(`invalid --seed "${text}": expected a whole number from 0 to 4294967295`);
  return Number(text);
}

function parseApiKey(text: string): string {
  if (text === '' || /[\s\x00-\x1f\x7f]/.test(text))
    throw usageError('invalid --api-key: expected a non-empty key without spaces or control characters');
  return text;
}

function loadScenarioArg(text: string): Scenario {
  try {
    return loadScenario(text);
  } catch (err) {
    if (err instanceof ScenarioError)
      throw usageError(
        err.message,
        withSuggestion(
          didYouMean(text, BUILTIN_SCENARIO_NAMES),
          `built-in scenarios: ${BUILTIN_SCENARIO_NAMES.join(', ')}`,
        ),
      );
    throw err;
  }
}

const DEFAULT_SCENARIOS: Scenario[] = [];

/**
 * `--scenario NAME|FILE`, repeatable, or a comma-separated list of built-in names (for
 * `--instances`, which plays them in turn). A file whose name has a comma is named alone.
 */
function parseScenarioArg(text: string, previous: Scenario[] = DEFAULT_SCENARIOS): Scenario[] {
  const earlier = previous === DEFAULT_SCENARIOS ? [] : previous;
  const names = text.split(',').map((n) => n.trim());
  const list = names.length > 1 && names.every((n) => BUILTIN_SCENARIO_NAMES.includes(n)) ? names : [text];
  return [...earlier, ...list.map((n) => loadScenarioArg(n.trim()))];
}

function parseInstances(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text.trim()) || n < 1 || n > 10_000)
    throw usageError(`invalid --instances "${text}": expected a whole number from 1 to 10000`);
  return n;
}

function parseOmitRoute(text: string, previous: OmitRoute[] = []): OmitRoute[] {
  if (!OMIT_ROUTES.includes(text as OmitRoute))
    throw usageError(
      `invalid --omit-route "${text}": expected ${OMIT_ROUTES.join(' or ')}`,
      didYouMean(text, OMIT_ROUTES),
    );
  return [...previous, text as OmitRoute];
}

/** A name for the certificate: a DNS name or an IP address. */
function parseTlsName(text: string, previous: string[] = []): string[] {
  const name = text.trim().toLowerCase();
  const dns = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
  // (node:net's isIP would do, but this module is loaded by every command)
  const ip = /^(\d{1,3}\.){3}\d{1,3}$/.test(name)
    ? name.split('.').every((o) => Number(o) <= 255)
    : /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/.test(name);
  if (!dns.test(name) && !ip)
    throw usageError(`invalid --tls-name "${text}": expected a host name (feldera.test) or an IP address`);
  return [...previous, name];
}

/** `--tls` with its companions, or a usage error when a companion comes without it. */
function tlsOptions(flags: SimulateFlags): SimulateOptions['tls'] {
  if (!flags.tls) {
    if (flags.tlsName || flags.certOut !== undefined)
      throw usageError(`${flags.tlsName ? '--tls-name' : '--cert-out'} needs --tls`, 'add --tls to serve HTTPS');
    return undefined;
  }
  return { names: flags.tlsName ?? [], ...(flags.certOut !== undefined && { certOut: flags.certOut }) };
}

export function newCmdSimulate(f: Factory, runF: Run<SimulateOptions> = simulateRun): Command {
  return new Command('simulate')
    .description('run a Feldera-compatible cluster-monitor server on 127.0.0.1 (for demos and tests)')
    .addOption(
      new Option('--port <port>', 'port to listen on; 0 picks a free one (the URL is printed first)')
        .argParser(parsePort)
        .default(8080),
    )
    .addOption(
      new Option(
        '--api-key <key>',
        'require this bearer API key (auth on, like an instance with an identity provider)',
      ).argParser(parseApiKey),
    )
    .addOption(
      new Option(
        '--scenario <name|file>',
        `${BUILTIN_SCENARIO_NAMES.join(', ')}, or a JSON file; with --instances, several (repeated, or a,b,c) played in turn`,
      )
        .argParser(parseScenarioArg)
        .default(DEFAULT_SCENARIOS, 'healthy'),
    )
    .addOption(
      new Option(
        '--instances <n>',
        'serve N independent instances from one port, at /i/0 … /i/N-1 (listed at /instances), with seeds seed+0 … seed+N-1',
      ).argParser(parseInstances),
    )
    .addOption(new Option('--speed <n>', 'simulated seconds per real second').argParser(parseSpeed).default(1))
    .addOption(
      new Option('--history <duration>', 'pre-fill this much past history, e.g. 2h, 72h').argParser(parseHistory),
    )
    .addOption(new Option('--seed <n>', 'seed for deterministic ids and texts').argParser(parseSeed))
    .addOption(
      choiceOption<Edition>('--edition <edition>', 'changes resources texts and /v0/config', [
        'community',
        'enterprise',
      ]).default('community'),
    )
    .addOption(
      new Option(
        '--omit-route <route>',
        `answer 404 like an older server for ${OMIT_ROUTES.join(' or ')} (repeatable)`,
      ).argParser(parseOmitRoute),
    )
    .addOption(
      new Option('--tls', 'serve HTTPS with a self-signed certificate made at start (its file is named on stderr)'),
    )
    .addOption(
      new Option(
        '--tls-name <name>',
        'another name or address the certificate is valid for (repeatable; with --tls)',
      ).argParser(parseTlsName),
    )
    .addOption(new Option('--cert-out <file>', 'write the certificate here instead of a temporary file (with --tls)'))
    .addOption(
      new Option(
        '--oidc-issuer <url>',
        'check bearer JWTs of this OIDC issuer as Feldera does (RS256, its JWKS, iss, aud, exp); named by /config/authentication',
      ).argParser(parseIssuer),
    )
    .addOption(
      new Option(
        '--audience <aud>',
        `with --oidc-issuer: the aud an access token must carry (default ${DEFAULT_AUDIENCE})`,
      ).argParser(parseWord('--audience')),
    )
    .addOption(
      new Option(
        '--oidc-client-id <id>',
        `with --oidc-issuer: the client id /config/authentication names (default ${DEFAULT_OIDC_CLIENT_ID})`,
      ).argParser(parseWord('--oidc-client-id')),
    )
    .addOption(
      new Option('--oidc-scope <scope>', 'with --oidc-issuer: an extra_oidc_scopes entry (repeatable)').argParser(
        parseScope,
      ),
    )
    .addOption(
      new Option(
        '--jwt-leeway <seconds>',
        'with --oidc-issuer: seconds past exp still accepted (default 60, as Feldera)',
      ).argParser(parseLeeway),
    )
    .addHelpText(
      'after',
      examples(
        'cluster simulate --port 0 --speed 60 --history 2h',
        'cluster simulate --scenario compiler-outage --api-key apikey:secret',
        'cluster simulate --tls --cert-out sim.pem    (then: cluster status --host https://127.0.0.1:8080 --ca-cert sim.pem)',
        'cluster simulate --port 0 --instances 1000 --scenario healthy,slow-checks,compiler-outage,stalled',
        'cluster simulate --oidc-issuer https://login.example.com/oauth2/default --audience feldera-api',
        '    (then: cluster login --oidc --host http://127.0.0.1:8080)',
      ),
    )
    .action(async (flags: SimulateFlags, cmd: Command) => {
      const {
        omitRoute,
        tls: _tls,
        tlsName: _names,
        certOut: _out,
        scenario: given,
        instances: count,
        oidcIssuer: _issuer,
        audience: _aud,
        oidcClientId: _client,
        oidcScope: _scope,
        jwtLeeway: _leeway,
        ...rest
      } = flags;
      const tls = tlsOptions(flags);
      const oidc = oidcOptions(flags);
      const scenarios = given.length ? given : [loadScenario('healthy')];
      if (count === undefined && scenarios.length > 1)
        throw usageError('several scenarios need --instances: one instance plays one scenario');
      const single = [tls && '--tls', omitRoute && '--omit-route', oidc && '--oidc-issuer'].find(Boolean);
      if (count !== undefined && single) throw usageError(`${single} cannot be combined with --instances`);
      const opts: SimulateOptions = {
        ...rest,
        scenario: scenarios[0]!,
        omitRoutes: omitRoute ?? [],
        ...(tls && { tls }),
        ...(oidc && { oidc }),
        ...(count !== undefined && { instances: { count, scenarios } }),
      };
      await f.run(cmd, runF, opts, { longRunning: true });
    });
}

/** Start the server; a port in use or not allowed is said as such. */
async function start(p: SimulateOptions, ctx: Context): Promise<Simulator> {
  // Loaded here: the simulator needs node:http and node:crypto, no other command does.
  const { startSimulator } = await import('../simulator/index.js');
  try {
    return await startSimulator({
      port: p.port,
      scenario: p.scenario,
      speed: p.speed,
      edition: p.edition,
      omitRoutes: p.omitRoutes,
      keepLog: false,
      verbose: Boolean(ctx.flags.verbose),
      log: (line) => void ctx.io.stderr.write(`${line}\n`),
      ...(p.apiKey !== undefined && { apiKey: p.apiKey }),
      ...(p.history !== undefined && { history: p.history }),
      ...(p.seed !== undefined && { seed: p.seed }),
      ...(p.tls && { tls: { names: p.tls.names } }),
      ...(p.oidc && { oidc: p.oidc }),
    });
  } catch (err) {
    throw listenError(err, p.port);
  }
}

function authSummary(p: SimulateOptions): string {
  const key = p.apiKey !== undefined ? 'API key required (Authorization: Bearer <the --api-key value>)' : undefined;
  if (!p.oidc) return key ?? 'off';
  const jwt = `OIDC: bearer JWTs of ${p.oidc.issuer} for audience ${p.oidc.audience} (client ${p.oidc.clientId})`;
  return key ? `${key}; ${jwt}` : jwt;
}

/** The start-up summary on stderr (the URL went to stdout first). */
function summary(p: SimulateOptions, sim: Simulator, certFile: string | undefined): string {
  const history = sim.start - sim.model.monitorStart;
  const lines = [
    `Simulating Feldera ${p.edition === 'enterprise' ? 'Enterprise' : 'Open source'} (cluster monitor) at ${sim.url}`,
    `  scenario: ${sim.scenario.name}`,
    ...(sim.scenario.description ? wrapWords(sim.scenario.description, 66).map((l) => `            ${l}`) : []),
    `  speed:    ${p.speed}× (${p.speed === 1 ? 'real time' : `${formatDuration(p.speed * 1000)} of simulated time per second`})`,
    `  history:  ${history > 0 ? `${formatDuration(history)} pre-filled (${sim.model.events().length} events retained)` : 'none'}`,
    `  seed:     ${sim.seed}`,
    `  auth:     ${authSummary(p)}`,
  ];
  if (p.omitRoutes.length > 0) lines.push(`  omitted:  ${p.omitRoutes.join(', ')} (answer 404 like an older Feldera)`);
  if (sim.tls && certFile) {
    lines.push(`  tls:      self-signed certificate for ${sim.tls.names.join(', ')}`);
    lines.push(`            trust it with --ca-cert ${certFile} (or FELDERA_HTTPS_TLS_CERT=${certFile})`);
  }
  lines.push('Press Ctrl-C to stop.');
  return `${lines.join('\n')}\n`;
}

/** The certificate where clients can read it: `--cert-out`, else a new temporary folder (removed again at the end). */
async function writeCertificate(
  p: SimulateOptions,
  sim: Simulator,
): Promise<{ file: string; cleanup(): Promise<void> } | undefined> {
  if (!sim.tls || !p.tls) return undefined;
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join, resolve } = await import('node:path');
  const dir = p.tls.certOut === undefined ? await mkdtemp(join(tmpdir(), 'cluster-simulate-')) : undefined;
  const file = dir ? join(dir, 'cert.pem') : resolve(p.tls.certOut!);
  try {
    await writeFile(file, sim.tls.cert, { mode: 0o644 });
  } catch (e) {
    await sim.close();
    throw new CliError(
      `cannot write the certificate to ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { hint: 'choose a writable path with --cert-out' },
    );
  }
  return { file, cleanup: async () => void (dir && (await rm(dir, { recursive: true, force: true }))) };
}

function listenError(err: unknown, port: number): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError(`port ${port} on 127.0.0.1 is already in use`, {
      hint: 'choose another with --port, or --port 0 for any free port',
    });
  if (code === 'EACCES')
    return new CliError(`not allowed to listen on port ${port}`, { hint: 'use a port above 1023, or --port 0' });
  return new CliError(`cannot start the simulator: ${(err as Error).message}`, { cause: err });
}

function untilAborted(ctx: Context): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** `--instances N`: a fleet from one port (simulator/fleet.ts). */
async function runFleet(
  p: SimulateOptions,
  fleet: NonNullable<SimulateOptions['instances']>,
  ctx: Context,
): Promise<number> {
  const { startFleetSimulator } = await import('../simulator/index.js');
  let sim: Awaited<ReturnType<typeof startFleetSimulator>>;
  try {
    sim = await startFleetSimulator({
      count: fleet.count,
      scenarios: fleet.scenarios,
      port: p.port,
      speed: p.speed,
      edition: p.edition,
      verbose: Boolean(ctx.flags.verbose),
      log: (line) => void ctx.io.stderr.write(`${line}\n`),
      ...(p.apiKey !== undefined && { apiKey: p.apiKey }),
      ...(p.history !== undefined && { history: p.history }),
      ...(p.seed !== undefined && { seed: p.seed }),
    });
  } catch (err) {
    throw listenError(err, p.port);
  }
  ctx.io.stdout.write(`${sim.url}\n`);
  const last = sim.instances.length - 1;
  const lines = [
    `Simulating ${fleet.count} Feldera ${p.edition === 'enterprise' ? 'Enterprise' : 'Open source'} instance${fleet.count === 1 ? '' : 's'} at ${sim.url}/i/0 … ${sim.url}/i/${last}`,
    `  listed at: ${sim.url}/instances (an http_sd_configs target list)`,
    `  scenarios: ${fleet.scenarios.map((s) => s.name).join(', ')} (in turn)`,
    `  speed:     ${p.speed}×`,
    `  seeds:     ${sim.instances[0]!.seed} … ${sim.instances[last]!.seed}`,
    `  auth:      ${p.apiKey !== undefined ? 'API key required' : 'off'}`,
    'Press Ctrl-C to stop.',
  ];
  ctx.io.stderr.write(`${lines.join('\n')}\n`);
  await untilAborted(ctx);
  await sim.close();
  return EXIT.OK;
}

/** Serve until `ctx.signal` aborts (Ctrl-C / SIGTERM), then close. */
export async function simulateRun(p: SimulateOptions, ctx: Context): Promise<number> {
  if (p.instances) return runFleet(p, p.instances, ctx);
  const sim = await start(p, ctx);
  const cert = await writeCertificate(p, sim);
  ctx.io.stdout.write(`${sim.url}\n`);
  ctx.io.stderr.write(summary(p, sim, cert?.file));
  await untilAborted(ctx);
  await sim.close();
  await cert?.cleanup();
  return EXIT.OK;
}
