/**
 * Whether the config may be trusted, the way ssh treats `~/.ssh/config`: a profile can hold a
 * token command, which `cluster` runs, so a config file someone else could have written is a way
 * to run commands as you. Refused (exit 1, with the fix):
 * - a config file not owned by you (or root), or writable by group or others;
 * - a config folder not owned by you (or root), or writable by group or others — unless it has
 *   the sticky bit (like /tmp), where others cannot replace or remove your file.
 * A config file that is a symbolic link must be yours (or root's), and is judged by its target,
 * and the target's folder by the same rule. Windows has no such owner and mode bits: nothing is checked there.
 */
import type { Stats } from 'node:fs';
import { CliError } from '../errors.js';

const STICKY = 0o1000;
const GROUP_OTHER_WRITE = 0o022;

function me(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function refusal(message: string, hint: string): CliError {
  return new CliError(message, { hint, kind: 'config' });
}

/** Owned by someone other than you and root: the owner's uid, else undefined. */
function foreignOwner(st: Pick<Stats, 'uid'>, uid: number): number | undefined {
  return st.uid === uid || st.uid === 0 ? undefined : st.uid;
}

/**
 * A symbolic link in the config file's place: followed only when it is yours or root's. In a
 * shared folder anyone can plant one, and the target's checks alone would let it point your
 * writes at a file of yours elsewhere.
 */
export function checkConfigLink(path: string, st: Pick<Stats, 'uid'>): CliError | undefined {
  const uid = me();
  if (uid === undefined) return undefined;
  const owner = foreignOwner(st, uid);
  if (owner === undefined) return undefined;
  return refusal(
    `refusing to use ${path}: it is a symbolic link made by uid ${owner}, not by you (uid ${uid})`,
    `remove it (\`rm ${path}\`), or choose your own folder with CLUSTER_CONFIG_DIR`,
  );
}

/** `what` names the file as the message shows it (with its link target, when it is a link). */
export function checkConfigFile(what: string, path: string, st: Pick<Stats, 'uid' | 'mode'>): CliError | undefined {
  const uid = me();
  if (uid === undefined) return undefined;
  const owner = foreignOwner(st, uid);
  if (owner !== undefined) {
    return refusal(
      `refusing to use the config file ${what}: it is owned by uid ${owner}, not by you (uid ${uid}), so its profiles (and their token commands) are not yours`,
      `if you trust it, make it yours: \`chown ${uid} ${path} && chmod 600 ${path}\`; otherwise remove it, or choose your own folder with CLUSTER_CONFIG_DIR`,
    );
  }
  if ((st.mode & GROUP_OTHER_WRITE) !== 0) {
    return refusal(
      `refusing to use the config file ${what}: it can be written by ${writers(st.mode)}, ` +
        'so its profiles (and their token commands) may not be yours',
      `check its content, then \`chmod 600 ${path}\``,
    );
  }
  return undefined;
}

/** Who besides the owner may write, and the mode: `anyone (mode 0666)`. */
function writers(mode: number): string {
  return `${(mode & 0o002) !== 0 ? 'anyone' : 'its group'} (mode ${octal(mode)})`;
}

export function checkConfigFolder(dir: string, st: Pick<Stats, 'uid' | 'mode'>): CliError | undefined {
  const uid = me();
  if (uid === undefined) return undefined;
  const owner = foreignOwner(st, uid);
  if (owner !== undefined) {
    return refusal(
      `refusing to use the config folder ${dir}: it is owned by uid ${owner}, not by you (uid ${uid}), so its owner can replace the config file`,
      'choose a folder of your own with CLUSTER_CONFIG_DIR (or unset it for the default one)',
    );
  }
  if ((st.mode & GROUP_OTHER_WRITE) !== 0 && (st.mode & STICKY) === 0) {
    return refusal(
      `refusing to use the config folder ${dir}: it can be written by ${writers(st.mode)}, so others can replace the config file`,
      `\`chmod go-w ${dir}\` (or \`chmod 700 ${dir}\`), or choose another folder with CLUSTER_CONFIG_DIR`,
    );
  }
  return undefined;
}
