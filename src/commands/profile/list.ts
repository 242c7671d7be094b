/**
 * `cluster profile list`: the stored profiles, the current one marked, credentials masked.
 * A table at a terminal; tab-separated rows when piped (name, host, auth kind, credential,
 * `current` or empty); `--json` an array of objects (credentials masked there too).
 */
import { Command } from 'commander';
import { maskSecret } from '../../api/auth.js';
import { type ConfigData, type Profile, profileNames } from '../../config/profiles.js';
import type { Context } from '../../context.js';
import { EXIT } from '../../errors.js';
import { writeJson } from '../../render/json.js';
import { paintKit } from '../../render/kit.js';
import { type ProfileRow, plainRows, renderProfileTable } from '../../render/profiles.js';
import type { Factory, Run } from '../factory.js';
import { examples, jsonOption } from '../flags.js';

export interface ProfileListOptions {
  json: boolean;
}

export function newCmdProfileList(f: Factory, runF: Run<ProfileListOptions> = profileListRun): Command {
  return new Command('list')
    .alias('ls')
    .description('list stored profiles (current one marked)')
    .addOption(jsonOption('print JSON (credentials masked)'))
    .addHelpText('after', examples('cluster profile list', "cluster profile list --json | jq -r '.[].name'"))
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const opts = { json: flags.json ?? false };
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

export function credentialText(p: Profile): string | null {
  switch (p.auth.kind) {
    case 'apikey':
      return maskSecret(p.auth.apiKey);
    case 'token':
      return maskSecret(p.auth.token);
    case 'token-command':
      return p.auth.command;
    case 'oidc':
      return `${p.auth.email ?? p.auth.subject} (${p.auth.issuer})`;
    default:
      return null;
  }
}

/** The active profile name as other commands would pick it (CLUSTER_PROFILE, else the current one). */
export function activeName(config: ConfigData, env: Record<string, string | undefined>): string | undefined {
  return env.CLUSTER_PROFILE || config.current || (Object.hasOwn(config.profiles, 'default') ? 'default' : undefined);
}

export function profileRows(config: ConfigData, active: string | undefined): ProfileRow[] {
  return profileNames(config).map((name) => {
    const p = config.profiles[name]!;
    return {
      name,
      current: name === active,
      host: p.host,
      auth: p.auth.kind,
      credential: credentialText(p),
      tenant: p.tenant ?? null,
      insecure: p.insecure === true,
      ca_cert: p.caCert ?? null,
      server_version: p.serverVersion ?? null,
      server_edition: p.serverEdition ?? null,
    };
  });
}

export { plainRows };

export async function profileListRun(opts: ProfileListOptions, ctx: Context): Promise<number> {
  const { io, env } = ctx;
  const config = ctx.config();
  const rows = profileRows(config, activeName(config, env));
  if (opts.json) {
    writeJson(io, rows);
    return EXIT.OK;
  }
  if (rows.length === 0) {
    ctx.printer.note('no stored profiles; create one with `cluster login`');
    return EXIT.OK;
  }
  if (!io.stdoutIsTTY) {
    io.stdout.write(plainRows(rows));
    return EXIT.OK;
  }
  io.stdout.write(renderProfileTable(rows, io.columns, await paintKit(io.color)));
  if (env.CLUSTER_PROFILE && !rows.some((r) => r.current))
    ctx.printer.note(`note: CLUSTER_PROFILE=${env.CLUSTER_PROFILE} names no stored profile`);
  return EXIT.OK;
}
