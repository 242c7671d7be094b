/**
 * Questions at a terminal: visible answers (the host, default shown) and hidden ones (a key: not a
 * character is echoed). Commands take a `Prompter`, so tests drive them with scripted answers; the
 * terminal one reads the keyboard in raw mode and writes the questions to stderr (stdout is data).
 */
import { CliError, EXIT } from '../errors.js';
import type { Writable } from './io.js';

export interface Prompter {
  /** Visible input. An empty answer gives `defaultValue` (shown in brackets) when there is one. */
  ask(question: string, defaultValue?: string): Promise<string>;
  /** Hidden input: nothing is echoed, not even stars. */
  askSecret(question: string): Promise<string>;
  /** Release the terminal (raw mode off, input paused). */
  close(): void;
}

/** What a prompter needs of stdin: a tty.ReadStream satisfies it; tests pass a stub. */
export interface PromptInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(enc: BufferEncoding): unknown;
  on(event: 'data', fn: (chunk: string | Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  off(event: 'data', fn: (chunk: string | Buffer) => void): unknown;
  off(event: 'end', fn: () => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

function interrupted(): CliError {
  return new CliError('interrupted', { exitCode: EXIT.SIGINT, kind: 'interrupted' });
}

function endOfInput(): CliError {
  return new CliError('no answer: the input ended', {
    kind: 'usage',
    exitCode: EXIT.USAGE,
    hint: 'in scripts use --host with --api-key-stdin or --token-command',
  });
}

/** The line being typed, and where an escape sequence (arrow keys) being skipped has got to. */
interface LineState {
  value: string;
  escape: 'none' | 'esc' | 'csi';
}

/** How a chunk of input left the line: still open, ended by Enter (with what was typed ahead), Ctrl-C, or Ctrl-D on an empty line. */
type LineEnd = { kind: 'open' } | { kind: 'enter'; rest: string } | { kind: 'interrupt' } | { kind: 'eof' };

/**
 * Line editing in raw mode, one character at a time: Enter ends the answer, Backspace deletes,
 * Ctrl-U clears, Ctrl-C interrupts, Ctrl-D on an empty line ends the input; escape sequences are
 * skipped. Without raw mode (piped input) every character but a line break is taken as typed.
 * Returns what to echo (nothing for hidden input) and how the line ends.
 */
export function editLine(s: LineState, chunk: string, raw: boolean, echo: boolean): { out: string; end: LineEnd } {
  const chars = [...chunk];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (s.escape !== 'none') {
      s.escape = escapeAfter(s.escape, ch);
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      // "\r\n" from a pasted line: swallow the "\n" too
      const rest = chars.slice(i + 1).join('');
      return {
        out: `${out}\n`,
        end: { kind: 'enter', rest: ch === '\r' && rest.startsWith('\n') ? rest.slice(1) : rest },
      };
    }
    if (!raw) {
      s.value += ch;
      continue;
    }
    const key = rawKey(s, ch, echo);
    out += key.out;
    if (key.end) return { out, end: key.end };
  }
  return { out, end: { kind: 'open' } };
}

/** Where an escape sequence stands after `ch`: ESC [ or ESC O open one that a final byte (@ to ~) closes; ESC and anything else is whole. */
function escapeAfter(state: 'esc' | 'csi', ch: string): LineState['escape'] {
  if (state === 'esc') return ch === '[' || ch === 'O' ? 'csi' : 'none';
  return ch >= '@' && ch <= '~' ? 'none' : 'csi';
}

/** A key typed in raw mode: what to echo, and how the line ends when the key ends it. */
function rawKey(s: LineState, ch: string, echo: boolean): { out: string; end?: LineEnd } {
  switch (ch) {
    case '\u0003': // Ctrl-C
      return { out: '\n', end: { kind: 'interrupt' } };
    case '\u0004': // Ctrl-D: ends the input on an empty line only
      return s.value === '' ? { out: '\n', end: { kind: 'eof' } } : { out: '' };
    case '\u007f':
    case '\b': {
      if (!s.value) return { out: '' };
      s.value = [...s.value].slice(0, -1).join('');
      return { out: echo ? '\b \b' : '' };
    }
    case '\u0015': {
      // Ctrl-U
      const out = echo ? '\b \b'.repeat([...s.value].length) : '';
      s.value = '';
      return { out };
    }
    case '\u001b':
      s.escape = 'esc';
      return { out: '' };
    default:
      if (ch < ' ') return { out: '' };
      s.value += ch;
      return { out: echo ? ch : '' };
  }
}

/**
 * A prompter on a terminal. In raw mode it does its own line editing (editLine); pasted text
 * arrives in one chunk and is taken as typed. Without a TTY (input piped) it reads plain lines and
 * cannot hide anything.
 */
export function terminalPrompter(input: PromptInput, output: Writable): Prompter {
  const raw = Boolean(input.isTTY && input.setRawMode);
  let pending = ''; // characters typed ahead of the current question
  let ended = false;
  input.setEncoding('utf8');

  /** Raw mode goes on before the question is shown, so a fast answer is never echoed by the terminal. */
  function readLine(question: string, echo: boolean): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const state: LineState = { value: '', escape: 'none' };
      const finish = (err?: CliError) => {
        input.off('data', onData);
        input.off('end', onEnd);
        input.pause();
        if (raw) input.setRawMode!(false);
        if (err) reject(err);
        else resolve(state.value);
      };
      /** True when the line ended. */
      const feed = (chunk: string): boolean => {
        const { out, end } = editLine(state, chunk, raw, echo);
        if (out) output.write(out);
        if (state.value.length > STDIN_LIMIT) {
          finish(tooLong(STDIN_LIMIT)); // a paste that never ends: stop reading
          return true;
        }
        if (end.kind === 'open') return false;
        if (end.kind === 'enter') pending = end.rest;
        if (end.kind === 'interrupt') finish(interrupted());
        else if (end.kind === 'eof') finish(endOfInput());
        else finish();
        return true;
      };
      const onData = (chunk: string | Buffer) => void feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const onEnd = () => {
        ended = true;
        finish(state.value !== '' && !raw ? undefined : endOfInput());
      };
      if (raw) input.setRawMode!(true);
      output.write(question);
      if (pending) {
        const p = pending;
        pending = '';
        if (feed(p)) return;
      }
      if (ended) return finish(state.value !== '' ? undefined : endOfInput());
      input.on('data', onData);
      input.on('end', onEnd);
      input.resume();
    });
  }

  return {
    async ask(question, defaultValue) {
      const answer = (await readLine(defaultValue ? `${question} [${defaultValue}]: ` : `${question}: `, true)).trim();
      return answer === '' && defaultValue !== undefined ? defaultValue : answer;
    },
    async askSecret(question) {
      return (await readLine(`${question}${raw ? ' (input hidden)' : ''}: `, false)).trim();
    },
    close() {
      if (raw) input.setRawMode!(false);
      input.pause();
    },
  };
}

/** Scripted answers, for tests: each question takes the next answer; records what was asked. */
export function scriptedPrompter(
  answers: string[],
): Prompter & { asked: { question: string; hidden: boolean; defaultValue?: string }[] } {
  const queue = [...answers];
  const asked: { question: string; hidden: boolean; defaultValue?: string }[] = [];
  const next = () => {
    const a = queue.shift();
    if (a === undefined) return Promise.reject(endOfInput());
    return Promise.resolve(a);
  };
  return {
    asked,
    async ask(question, defaultValue) {
      asked.push({ question, hidden: false, defaultValue });
      const a = (await next()).trim();
      return a === '' && defaultValue !== undefined ? defaultValue : a;
    },
    async askSecret(question) {
      asked.push({ question, hidden: true });
      return (await next()).trim();
    },
    close() {},
  };
}

/** An API key is a few dozen characters: what stdin (or a typed line) may hold at most. */
export const STDIN_LIMIT = 64 * 1024;

function tooLong(limit: number): CliError {
  const size = limit % 1024 === 0 ? `${limit / 1024} KiB` : `${limit} bytes`;
  return new CliError(`standard input is longer than ${size}; expected one API key`, {
    exitCode: EXIT.USAGE,
    kind: 'usage',
  });
}

/** What readAll needs of a stream; process.stdin (a socket, a pipe or a file stream) has all of it. */
export type ReadAllInput = Pick<NodeJS.ReadableStream, 'on' | 'off' | 'resume' | 'pause'> & { destroy?(): unknown };

/**
 * Everything on a (piped) stream, up to `limit` bytes. Past the limit (`yes |`, `< /dev/zero`),
 * or on a read error, the stream is stopped for good — paused and destroyed — so nothing is read
 * any more and the process can exit: an endless input once kept it spinning after the error.
 */
export function readAll(input: ReadAllInput, limit = STDIN_LIMIT): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (e: CliError) => {
      cleanup();
      input.pause();
      input.destroy?.();
      reject(e);
    };
    const onData = (c: string | Buffer) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > limit) return stop(tooLong(limit));
      chunks.push(b);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) =>
      stop(new CliError(`cannot read standard input: ${e.message}`, { kind: 'usage', exitCode: EXIT.USAGE }));
    const cleanup = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}
