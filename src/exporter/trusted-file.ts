/**
 * A file the exporter is told to trust (`--target-credentials`, `--web-config`), read with the
 * checks config.json gets (config/trust.ts): owned by you or root, writable by nobody else, in a
 * folder nobody else can swap it in; a link judged by its target. A file that holds secrets must
 * also be readable by you alone (0600). Opened without blocking and checked before it is read, so
 * a FIFO or a device in its place is an error, not a hang; at most 1 MiB.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkConfigFile, checkConfigFolder, checkConfigLink } from '../config/trust.js';
import { CliError } from '../errors.js';

const MAX_BYTES = 1 << 20;

function refusal(message: string, hint: string): CliError {
  return new CliError(message, { hint, kind: 'config' });
}

/** The file's text; `secret`: it must be readable by its owner only. */
export function readTrustedFile(what: string, file: string, o: { secret: boolean }): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const words: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied' };
    const why = (code && words[code]) ?? code ?? String(e);
    throw refusal(`cannot read the ${what} ${file}: ${why}`, `give a readable file`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refusal(`refusing to read the ${what} ${file}: it is not a regular file`, 'give a file');
    const link = lstatSync(file);
    const target = link.isSymbolicLink() ? realpathSync(file) : undefined;
    const unsafe =
      (target ? checkConfigLink(file, link) : undefined) ??
      checkConfigFile(target ? `${file} (a link to ${target})` : file, target ?? file, st) ??
      checkConfigFolder(dirname(file), statSync(dirname(file))) ??
      (target ? checkConfigFolder(dirname(target), statSync(dirname(target))) : undefined);
    if (unsafe)
      throw new CliError(unsafe.message.replace('the config file', `the ${what}`), {
        hint: unsafe.hint,
        kind: 'config',
      });
    if (o.secret && typeof process.getuid === 'function' && (st.mode & 0o077) !== 0)
      throw refusal(
        `refusing to use the ${what} ${file}: it holds credentials and others may read it (mode 0${(st.mode & 0o777).toString(8)})`,
        `\`chmod 600 ${file}\``,
      );
    if (st.size > MAX_BYTES) throw refusal(`the ${what} ${file} is larger than 1 MiB`, 'give the file it should be');
    const buf = Buffer.alloc(Math.min(MAX_BYTES, st.size) + 1);
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_BYTES) throw refusal(`the ${what} ${file} is larger than 1 MiB`, 'give the file it should be');
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
