/**
 * A file the exporter is told to trust (`--target-credentials`, `--web-config`), read with the
 * checks config.json gets (config/trust.ts): owned by you or root, writable by nobody else, in a
 * folder nobody else can swap it in; a link judged by its target. A file that holds secrets must
 * also be readable by you alone (0600). Opened without blocking and checked before it is read, so
 * a FIFO or a device in its place is an error, not a hang; at most 1 MiB.
 */
import { readTrustedText } from '../config/trusted-read.js';
import { CliError } from '../errors.js';

const MAX_BYTES = 1 << 20;

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/** The file's text; `secret`: it must be readable by its owner only. */
export function readTrustedFile(what: string, file: string, o: { secret: boolean }): string {
  const cannot = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    const why = (code && WORDS[code]) ?? code ?? String(e);
    return new CliError(`cannot read the ${what} ${file}: ${why}`, { hint: 'give a readable file', kind: 'config' });
  };
  const text = readTrustedText(file, {
    what,
    secret: o.secret,
    maxBytes: MAX_BYTES,
    accessError: (_f, e) => cannot(e),
  });
  if (text === undefined) throw cannot(Object.assign(new Error('no such file'), { code: 'ENOENT' }));
  return text;
}
