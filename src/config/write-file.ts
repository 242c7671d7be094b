/**
 * Writing a file of the config folder (config.json, state.json) so that a shared folder (mode
 * 1777, like /tmp) cannot turn the write against you:
 * - the text goes to a new temporary file beside its destination, created exclusively with mode
 *   0600 (a name someone planted there is never opened), then renamed over the destination:
 *   readers see the old file or the new one, never part of one;
 * - a symbolic link at the path is written through (its target is replaced, as a dotfiles manager
 *   expects) only when the link is yours or root's; anyone else's is refused. A link planted after
 *   this check is replaced by the rename, not followed.
 * - a FIFO, a device or a socket at the path (or at a link's target) is refused, not replaced:
 *   what is there is left as it is. The temporary file is created exclusively (`wx`), so nothing
 *   already at its name — a FIFO, a link — is ever opened.
 * Nothing is chown'ed or chmod'ed on the way (what a general-purpose atomic writer does to keep an
 * existing file's owner would hand a planted file's owner your profiles).
 */
import { lstatSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError } from '../errors.js';
import { checkConfigLink } from './trust.js';
import { fileKind } from './trusted-read.js';

export function writeConfigFile(path: string, text: string): void {
  const link = lstatSync(path, { throwIfNoEntry: false });
  let dest = path;
  if (link?.isSymbolicLink()) {
    const unsafe = checkConfigLink(path, link);
    if (unsafe) throw unsafe;
    dest = realpathSync(path);
  }
  const there = dest === path ? link : lstatSync(dest, { throwIfNoEntry: false });
  if (there && !there.isFile()) {
    const what = basename(path) === 'config.json' ? 'config file' : basename(path);
    throw new CliError(`refusing to write the ${what} ${path}: it is ${fileKind(there)}, not a regular file`, {
      hint: `remove it (\`rm ${path}\`), or choose your own folder with CLUSTER_CONFIG_DIR`,
      kind: 'config',
    });
  }
  const tmp = `${dest}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, dest);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never made, or made by someone else (wx refused it): not ours to remove
    }
    throw e;
  }
}
