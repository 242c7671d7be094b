/**
 * `cluster simulate`: run the Feldera cluster-monitor simulator until interrupted.
 * The URL goes to stdout first thing (scripts read that line); a summary goes to stderr.
 */
import { CliError, EXIT, usageError } from '../errors.js';
import type { IO } from '../io/io.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { BUILTIN_SCENARIO_NAMES, loadScenario, ScenarioError, type Scenario } from '../simulator/scenario.js';
import { OMIT_ROUTES, type OmitRoute } from '../simulator/server.js';
import type { Edition } from '../simulator/texts.js';

/** Raw option strings from the command line. */
export interface SimulateOptions {
  port: string;
  apiKey?: string;
  scenario: string;
  speed: string;
  history?: string;
  seed?: string;
  edition: string;
  verbose?: boolean;
  omitRoute?: string[];
}

interface Parsed {
  port: number;
  apiKey?: string;
  scenario: Scenario;
  speed: number;
  history?: number;
  seed?: number;
  edition: Edition;
  omitRoutes: OmitRoute[];
}

function parseOptions(opts: SimulateOptions): Parsed {
  const port = opts.port.trim();
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw usageError(`invalid --port "${opts.port}": expected a port number from 0 to 65535 (0 picks a free port)`);
  }
  const speedText = opts.speed.trim().replace(/x$/i, '');
  const speed = Number(speedText);
  if (speedText === '' || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
    throw usageError(`invalid --speed "${opts.speed}": expected a positive number of simulated seconds per real second, e.g. 1 or 60`);
  }
  let history: number | undefined;
  if (opts.history !== undefined) {
    history = parseDuration(opts.history);
    if (history === undefined) {
      throw usageError(`invalid --history "${opts.history}": expected a duration such as 30m, 2h, 3d or 1h30m`);
    }
  }
  let seed: number | undefined;
  if (opts.seed !== undefined) {
    if (!/^\d{1,10}$/.test(opts.seed.trim()) || Number(opts.seed) > 0xffff_ffff) {
      throw usageError(`invalid --seed "${opts.seed}": expected a whole number from 0 to 4294967295`);
    }
    seed = Number(opts.seed);
  }
  const edition = opts.edition.trim().toLowerCase();
  if (edition !== 'community' && edition !== 'enterprise') {
    throw usageError(`invalid --edition "${opts.edition}": expected community or enterprise`);
  }
  if (opts.apiKey !== undefined && (opts.apiKey === '' || /[\s\x00-\x1f\x7f]/.test(opts.apiKey))) {
    throw usageError('invalid --api-key: expected a non-empty key without spaces or control characters');
  }
  const omitRoutes: OmitRoute[] = [];
  for (const r of opts.omitRoute ?? []) {
    if (!OMIT_ROUTES.includes(r as OmitRoute)) {
      throw usageError(`invalid --omit-route "${r}": expected ${OMIT_ROUTES.join(' or ')}`);
    }
    omitRoutes.push(r as OmitRoute);
  }
  let scenario: Scenario;
  try {
    scenario = loadScenario(opts.scenario);
  } catch (err) {
    if (err instanceof ScenarioError) {
      throw usageError(err.message, `built-in scenarios: ${BUILTIN_SCENARIO_NAMES.join(', ')}`);
    }
    throw err;
  }
  return {
    port: Number(port),
    scenario,
    speed,
    edition,
    omitRoutes,
    ...(opts.apiKey !== undefined && { apiKey: opts.apiKey }),
    ...(history !== undefined && { history }),
    ...(seed !== undefined && { seed }),
  };
}

export async function runSimulate(opts: SimulateOptions, io: IO, signal?: AbortSignal): Promise<number> {
  const p = parseOptions(opts);
  let sim: Simulator;
  try {
    sim = await startSimulator({
      port: p.port,
      scenario: p.scenario,
      speed: p.speed,
      edition: p.edition,
      omitRoutes: p.omitRoutes,
      verbose: Boolean(opts.verbose),
      log: (line) => void io.stderr.write(`${line}\n`),
      ...(p.apiKey !== undefined && { apiKey: p.apiKey }),
      ...(p.history !== undefined && { history: p.history }),
      ...(p.seed !== undefined && { seed: p.seed }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(`port ${p.port} on 127.0.0.1 is already in use`, {
        hint: 'choose another with --port, or --port 0 for any free port',
      });
    }
    if (code === 'EACCES') {
      throw new CliError(`not allowed to listen on port ${p.port}`, { hint: 'use a port above 1023, or --port 0' });
    }
    throw new CliError(`cannot start the simulator: ${(err as Error).message}`, { cause: err });
  }

  io.stdout.write(`${sim.url}\n`);
  const history = sim.start - sim.model.monitorStart;
  const lines = [
    `Simulating Feldera ${p.edition === 'enterprise' ? 'Enterprise' : 'Open source'} (cluster monitor) at ${sim.url}`,
    `  scenario: ${sim.scenario.name}`,
    ...(sim.scenario.description ? wrapWords(sim.scenario.description, 66).map((l) => `            ${l}`) : []),
    `  speed:    ${p.speed}× (${p.speed === 1 ? 'real time' : `${formatDuration(p.speed * 1000)} of simulated time per second`})`,
    `  history:  ${history > 0 ? `${formatDuration(history)} pre-filled (${sim.model.events().length} events retained)` : 'none'}`,
    `  seed:     ${sim.seed}`,
    `  auth:     ${p.apiKey !== undefined ? 'API key required (Authorization: Bearer <the --api-key value>)' : 'off'}`,
  ];
  if (p.omitRoutes.length > 0) lines.push(`  omitted:  ${p.omitRoutes.join(', ')} (answer 404 like an older Feldera)`);
  lines.push('Press Ctrl-C to stop.');
  io.stderr.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    if (!signal) return; // runs until the process ends
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sim.close();
  return EXIT.OK;
}

/** Greedy word wrap for the start-up summary (descriptions are plain prose of our own). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
