/** Reading stdin is bounded, and past the bound the stream is stopped for good (not left flowing). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { readAll, STDIN_LIMIT, terminalPrompter } from '../../src/io/prompt.js';

/** A stream that never ends, counting what it was asked for. */
function endless(): Readable & { reads: number } {
  const s = new Readable({
    read() {
      s.reads++;
      this.push(Buffer.alloc(16 * 1024, 0x79));
    },
  }) as Readable & { reads: number };
  s.reads = 0;
  return s;
}

describe('readAll', () => {
  it('an endless stream: a usage error (64), and the stream is destroyed, so nothing more is read', async () => {
    const s = endless();
    const e = await readAll(s).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(64);
    expect((e as CliError).message).toBe('standard input is longer than 64 KiB; expected one API key');
    expect(s.destroyed).toBe(true);
  });

  it('counts bytes, not characters, and keeps multi-byte characters split across chunks whole', async () => {
    const euro = Buffer.from('€'); // 3 bytes
    const text = await readAll(Readable.from([euro.subarray(0, 1), euro.subarray(1)]));
    expect(text).toBe('€');
    const over = await readAll(Readable.from([Buffer.from('€'.repeat(STDIN_LIMIT / 3 + 1))])).catch((x) => x);
    expect(over).toBeInstanceOf(CliError);
  });

  it('exactly the limit is read', async () => {
    expect((await readAll(Readable.from([Buffer.alloc(STDIN_LIMIT, 0x61)]))).length).toBe(STDIN_LIMIT);
  });
});

describe('terminalPrompter', () => {
  it('a line that never ends (an endless paste) is a usage error, and input is paused', async () => {
    const s = endless();
    s.setEncoding('utf8');
    const out = { write: () => true };
    const p = terminalPrompter(s, out as never);
    const e = await p.askSecret('API key').catch((x: unknown) => x);
    expect((e as CliError).exitCode).toBe(64);
    expect(s.isPaused()).toBe(true);
  });
});
