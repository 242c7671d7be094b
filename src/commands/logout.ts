/**
 * `cluster logout [--profile NAME | --all]`: remove stored profiles and their credentials.
 * Without a name the active profile goes (CLUSTER_PROFILE, else the current one). When the current
 * profile is removed, the current moves to `default` or to the only one left; otherwise none is
 * current until `cluster profile use`.
 */
import type { ConfigData } from '../config/profiles.js';
import { getProfile, profileNames, updateConfig } from '../config/profiles.js';
import type { Context } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';

export interface LogoutOptions {
  profile?: string;
  all?: boolean;
}

/** Which current profile remains after `removed` are gone. */
export function nextCurrent(config: ConfigData, removed: string[]): string | undefined {
  const left = profileNames(config).filter((n) => !removed.includes(n));
  if (config.current !== undefined && left.includes(config.current)) return config.current;
  if (left.includes('default')) return 'default';
  if (left.length === 1) return left[0];
  return undefined;
}

function unknownProfile(name: string, known: string[]): CliError {
  return new CliError(`no profile named "${sanitizeLine(name)}"`, {
    hint: known.length ? `known profiles: ${known.join(', ')}` : 'there are no stored profiles',
    kind: 'config',
  });
}

export async function run(opts: LogoutOptions & Record<string, unknown>, ctx: Context): Promise<number> {
  const { io, env } = ctx;
  if (opts.all && opts.profile !== undefined) throw usageError('--all and --profile exclude each other');
  const config = ctx.config(); // a broken file stops us here, untouched
  const known = profileNames(config);

  let removed: string[];
  if (opts.all) {
    if (known.length === 0) {
      io.stderr.write('no stored profiles; nothing to remove\n');
      return EXIT.OK;
    }
    removed = known;
  } else {
    const name = opts.profile ?? (env.CLUSTER_PROFILE || config.current || (getProfile(config, 'default') ? 'default' : undefined));
    if (name === undefined) {
      throw new CliError(known.length ? 'no current profile to log out of' : 'not logged in: there are no stored profiles', {
        hint: known.length ? `name one with --profile NAME (known: ${known.join(', ')}), or remove all with --all` : undefined,
        kind: 'config',
      });
    }
    if (!getProfile(config, name)) throw unknownProfile(name, known);
    removed = [name];
  }

  const hosts = new Map(removed.map((n) => [n, getProfile(config, n)!]));
  const next = nextCurrent(config, removed);
  const saved = await updateConfig(env, (data) => {
    for (const n of removed) delete data.profiles[n];
    data.current = next;
    return data;
  });

  for (const n of removed) {
    const p = hosts.get(n)!;
    io.stdout.write(`Removed profile "${n}" (${sanitizeLine(p.host)}).\n`);
  }
  const wasCurrent = config.current !== undefined && removed.includes(config.current);
  if (wasCurrent && saved.current !== undefined) io.stdout.write(`The current profile is now "${saved.current}".\n`);
  else if (wasCurrent && profileNames(saved).length > 0) {
    io.stderr.write(`note: no profile is current now; choose one with \`cluster profile use NAME\` (known: ${profileNames(saved).join(', ')})\n`);
  }
  if ([...hosts.values()].some((p) => p.auth.kind === 'apikey')) {
    io.stderr.write('note: an API key stays valid on the server until it is deleted there (Feldera web console or API)\n');
  }
  return EXIT.OK;
}
