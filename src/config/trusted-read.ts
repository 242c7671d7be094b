/**
 * Reading a file that decides what `cluster` does — config.json, state.json, the exporter's web
 * config and target credentials — so that neither its owner nor its type can be turned against
 * you:
 * - looked at (lstat, then the link's target) before it is opened: a symbolic link must be yours
 *   or root's (trust.ts), and anything but a regular file — a named pipe (FIFO), a device, a
 *   socket — is refused with one line, never opened; a FIFO planted in a shared folder used to
 *   hang every command at the open;
 * - owner, mode and folder checked (trust.ts) before it is opened, and again on what was opened
 *   (fstat), so nothing swapped in between is read;
 * - opened with O_NONBLOCK (a FIFO swapped in after the check cannot block the open) and read up
 *   to a cap.
 * A missing file (or a link to nothing) is `undefined`: the caller decides what that means.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from '../errors.js';
import { checkConfigFile, checkConfigFolder, checkConfigLink } from './trust.js';

export interface TrustedReadOptions {
  /** How messages name the file: `config file`, `web config`, `target credentials file`. */
  what: string;
  /** It holds credentials: it must be readable by its owner alone (0600). */
  secret?: boolean;
  maxBytes: number;
  /** The one-line error for a file that cannot be looked at or opened (permission denied, …). */
  accessError: (file: string, e: unknown) => CliError;
}

/** What a file that is not a regular file is, in words: `a named pipe (FIFO)`. */
export function fileKind(
  st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory' | 'isFile'>,
): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isFile()) return 'a regular file';
  return 'not a regular file';
}

/** Refusing a FIFO, a device or a socket in a file's place: one line, and what to do. */
export function notRegularFile(what: string, file: string, st: Parameters<typeof fileKind>[0]): CliError {
  return new CliError(`refusing to read the ${what} ${file}: it is ${fileKind(st)}, not a regular file`, {
    hint: `remove it (\`rm ${file}\`) and make it again, or choose your own folder with CLUSTER_CONFIG_DIR`,
    kind: 'config',
  });
}

function renamed(e: CliError, what: string): CliError {
  if (what === 'config file') return e;
  return new CliError(e.message.replace('the config file', `the ${what}`), { hint: e.hint, kind: 'config' });
}

/** The owner, mode and folder checks of trust.ts for the file `st` describes (a link's target when `target`). */
function untrusted(file: string, target: string | undefined, st: Stats, o: TrustedReadOptions): CliError | undefined {
  const unsafe =
    checkConfigFile(target ? `${file} (a link to ${target})` : file, target ?? file, st) ??
    checkConfigFolder(dirname(file), statSync(dirname(file))) ??
    (target ? checkConfigFolder(dirname(target), statSync(dirname(target))) : undefined);
  if (unsafe) return renamed(unsafe, o.what);
  if (o.secret && typeof process.getuid === 'function' && (st.mode & 0o077) !== 0)
    return new CliError(
      `refusing to use the ${o.what} ${file}: it holds credentials and others may read it (mode 0${(st.mode & 0o777).toString(8)})`,
      { hint: `\`chmod 600 ${file}\``, kind: 'config' },
    );
  return undefined;
}

function tooLarge(file: string, o: TrustedReadOptions): CliError {
  const size = o.maxBytes >= 1 << 20 ? `${o.maxBytes / (1 << 20)} MiB` : `${o.maxBytes / 1024} KiB`;
  return new CliError(`the ${o.what} ${file} is larger than ${size}`, {
    hint: 'give the file it should be',
    kind: 'config',
  });
}

/** What is at `file` (a link's target when it is a link that may be followed), or undefined when nothing is. */
function look(file: string, o: TrustedReadOptions): { st: Stats; target?: string } | undefined {
  try {
    const link = lstatSync(file, { throwIfNoEntry: false });
    if (!link?.isSymbolicLink()) return link && { st: link };
    const unsafe = checkConfigLink(file, link);
    if (unsafe) throw renamed(unsafe, o.what);
    const st = statSync(file, { throwIfNoEntry: false });
    return st && { st, target: realpathSync(file) }; // a link to nothing: no file
  } catch (e) {
    throw e instanceof CliError ? e : o.accessError(file, e);
  }
}

/** Up to `max` bytes (a file that grew since it was looked at too); undefined when there are more. */
function readUpTo(fd: number, size: number, max: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let total = 0;
  for (let want = Math.min(max, size) + 1; total <= max; want = Math.min(64 << 10, max + 1 - total)) {
    const buf = Buffer.alloc(want);
    let n = 0;
    for (let got = 1; got > 0 && n < want; n += got) got = readSync(fd, buf, n, want - n, null);
    parts.push(buf.subarray(0, n));
    total += n;
    if (n < want) break; // end of file
  }
  return total > max ? undefined : Buffer.concat(parts);
}

/** The file's text, or undefined when there is none; a CliError (kind `config`) for anything refused. */
export function readTrustedText(file: string, o: TrustedReadOptions): string | undefined {
  const seen = look(file, o);
  if (!seen) return undefined;
  const { st, target } = seen;
  if (st.isDirectory()) throw o.accessError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (!st.isFile()) throw notRegularFile(o.what, file, st);
  let unsafe: CliError | undefined;
  try {
    unsafe = untrusted(file, target, st, o);
  } catch (e) {
    throw o.accessError(file, e);
  }
  if (unsafe) throw unsafe;
  if (st.size > o.maxBytes) throw tooLarge(file, o);

  let fd: number;
  try {
    fd = openSync(target ?? file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // removed meanwhile
    throw o.accessError(file, e);
  }
  try {
    // What was opened is what is read: checked again, in case something was swapped in meanwhile.
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw notRegularFile(o.what, file, opened);
    if (opened.ino !== st.ino || opened.dev !== st.dev) {
      const again = untrusted(file, target, opened, o);
      if (again) throw again;
    }
    const text = readUpTo(fd, opened.size, o.maxBytes);
    if (!text) throw tooLarge(file, o);
    return text.toString('utf8');
  } catch (e) {
    throw e instanceof CliError ? e : o.accessError(file, e);
  } finally {
    closeSync(fd);
  }
}
