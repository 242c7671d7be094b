import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { readAll, scriptedPrompter, terminalPrompter } from '../../src/io/prompt.js';

/** A keyboard: a stream that says it is a TTY and records raw-mode changes. */
function keyboard(tty = true) {
  const s = new PassThrough() as PassThrough & {
    isTTY?: boolean;
    setRawMode?: (m: boolean) => void;
    rawModes: boolean[];
  };
  s.rawModes = [];
  if (tty) {
    s.isTTY = true;
    s.setRawMode = (m: boolean) => void s.rawModes.push(m);
  }
  return s;
}

function screen() {
  let text = '';
  const write = (c: string) => {
    text += c;
    return true;
  };
  return { write, text: () => text };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('terminal prompter', () => {
  it('hidden input echoes nothing of the key, in raw mode, and restores the terminal', async () => {
    const kb = keyboard();
    const out = screen();
    const p = terminalPrompter(kb, out);
    const answer = p.askSecret('API key');
    await tick();
    kb.write('apikey:s3cr');
    kb.write('et-value\r');
    expect(await answer).toBe('apikey:s3cret-value');
    expect(out.text()).toBe('API key (input hidden): \n');
    expect(out.text()).not.toContain('s3cr');
    expect(kb.rawModes).toEqual([true, false]);
  });

  it('visible input shows the default and takes it on Enter', async () => {
    const kb = keyboard();
    const out = screen();
    const p = terminalPrompter(kb, out);
    const answer = p.ask('Feldera host', 'http://127.0.0.1:8080');
    await tick();
    kb.write('\r');
    expect(await answer).toBe('http://127.0.0.1:8080');
    expect(out.text()).toBe('Feldera host [http://127.0.0.1:8080]: \n');
  });

  it('visible input echoes what is typed; Backspace, Ctrl-U and arrow keys edit it', async () => {
    const kb = keyboard();
    const out = screen();
    const p = terminalPrompter(kb, out);
    const answer = p.ask('Feldera host', 'x');
    await tick();
    kb.write('junk\u0015https://f.exx\u007f\u007fxample.com\u001b[D\u001b[A\r');
    expect(await answer).toBe('https://f.example.com');
    expect(out.text()).toContain('https://f.ex');
    expect(out.text()).not.toContain('[D');
  });

  it('hidden Backspace removes characters without echo', async () => {
    const kb = keyboard();
    const out = screen();
    const p = terminalPrompter(kb, out);
    const answer = p.askSecret('API key');
    await tick();
    kb.write('abcX\u007fd\r');
    expect(await answer).toBe('abcd');
    expect(out.text()).not.toContain('\b');
  });

  it('two questions in a row, typed ahead in one chunk', async () => {
    const kb = keyboard();
    const out = screen();
    const p = terminalPrompter(kb, out);
    const host = p.ask('Feldera host', 'd');
    await tick();
    kb.write('https://h.example.com\r\napikey:typed-ahead\r');
    expect(await host).toBe('https://h.example.com');
    expect(await p.askSecret('API key')).toBe('apikey:typed-ahead');
    expect(out.text()).not.toContain('typed-ahead');
  });

  it('Ctrl-C interrupts with exit 130', async () => {
    const kb = keyboard();
    const p = terminalPrompter(kb, screen());
    const answer = p.askSecret('API key');
    await tick();
    kb.write('abc\u0003');
    const e = await answer.catch((x: unknown) => x as CliError);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(130);
    expect(kb.rawModes.at(-1)).toBe(false);
  });

  it('Ctrl-D on an empty line ends the input (usage error)', async () => {
    const kb = keyboard();
    const p = terminalPrompter(kb, screen());
    const answer = p.askSecret('API key');
    await tick();
    kb.write('\u0004');
    await expect(answer).rejects.toThrow(/input ended/);
  });

  it('without a TTY it reads plain lines', async () => {
    const kb = keyboard(false);
    const out = screen();
    const p = terminalPrompter(kb, out);
    const answer = p.askSecret('API key');
    kb.end('apikey:piped\n');
    expect(await answer).toBe('apikey:piped');
    expect(out.text()).toBe('API key: \n');
  });
});

describe('scripted prompter', () => {
  it('answers in order and records the questions', async () => {
    const p = scriptedPrompter(['', 'k']);
    expect(await p.ask('Host', 'd')).toBe('d');
    expect(await p.askSecret('Key')).toBe('k');
    await expect(p.ask('More')).rejects.toThrow(CliError);
    expect(p.asked.map((a) => a.hidden)).toEqual([false, true, false]);
  });
});

describe('readAll', () => {
  it('reads a piped stream to the end', async () => {
    const s = new PassThrough();
    const text = readAll(s);
    s.write('apikey:');
    s.end('abc\n');
    expect(await text).toBe('apikey:abc\n');
  });

  it('refuses something far too long to be a key', async () => {
    const s = new PassThrough();
    const text = readAll(s, 10);
    s.end('x'.repeat(50));
    await expect(text).rejects.toThrow(/longer than 10 bytes/);
  });
});
