/**
 * `cluster version`: this tool's version, and the server's version, edition and revision from
 * `GET /v0/config`, with what that version supports of the cluster monitor (`/v0/cluster_healthz`
 * from v0.121, events from v0.201, `unchanged_since` from the history from v0.336). `--client`
 * asks no server. `cluster -V` prints only this tool's version, as before.
 *
 * A server that cannot be asked is an error (exit 1), after the tool's own version is printed.
 */
import { Command } from 'commander';
import type { Context } from '../context.js';
import { supportOf } from '../domain/feldera-versions.js';
import { CliError, EXIT } from '../errors.js';
import { writeJson } from '../render/json.js';
import { renderVersion, type VersionReport } from '../render/version.js';
import { VERSION } from '../version.js';
import type { Factory, Run } from './factory.js';
import { examples, jsonOption } from './flags.js';

export interface VersionOptions {
  json: boolean;
  /** Only this tool's version: no request. */
  client: boolean;
}

export function newCmdVersion(f: Factory, runF: Run<VersionOptions> = versionRun): Command {
  return new Command('version')
    .description("this tool's version, and the server's version, edition and revision")
    .option('--client', "only this tool's version (no request)")
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'cluster version',
        'cluster version --profile prod --json | jq -r .server.version',
        'cluster version --client',
      ),
    )
    .action(async (flags: { json?: boolean; client?: boolean }, cmd: Command) => {
      const opts: VersionOptions = { json: flags.json ?? false, client: flags.client ?? false };
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

async function askServer(ctx: Context): Promise<VersionReport['server']> {
  const client = await ctx.client();
  try {
    const { data } = await client.platformConfig();
    return {
      host: client.connection.host,
      version: data.version,
      edition: data.edition,
      revision: data.revision ?? null,
      supports: supportOf(data.version),
    };
  } finally {
    client.close();
  }
}

export async function versionRun(opts: VersionOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const report: VersionReport = { client: { name: 'feldera-cluster', version: VERSION }, server: null, error: null };
  let failure: CliError | undefined;
  if (!opts.client) {
    try {
      report.server = await askServer(ctx);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      failure = e;
      report.error = { kind: e.kind, message: e.message, hint: e.hint ?? null };
    }
  }
  if (opts.json) writeJson(io, report);
  else io.stdout.write(renderVersion(report, { tty: io.stdoutIsTTY }));
  if (failure)
    ctx.printer.error({ message: failure.message, hint: failure.hint, kind: failure.kind, exitCode: EXIT.FAILURE });
  return failure ? EXIT.FAILURE : EXIT.OK;
}
