import type { IO } from '../../src/io/io.js';

export interface BufferIO extends IO {
  out(): string;
  err(): string;
}

/** An IO that records what a command writes. Defaults: piped (no TTY), no colour, 100 columns, empty env. */
export function bufferIO(opts: Partial<IO> = {}): BufferIO {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        err += s;
        return true;
      },
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    color: false,
    colorErr: false,
    columns: 100,
    env: {},
    ...opts,
    out: () => out,
    err: () => err,
  };
}
