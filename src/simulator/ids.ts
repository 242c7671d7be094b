/**
 * Event ids and timestamps as Feldera makes them: UUID version 7 (`Uuid::now_v7()`), parsing with
 * the Rust `uuid` crate's rules and error texts, and RFC 3339 times as chrono writes them.
 */
import type { Rng } from './rng.js';

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** UUIDv7: 48-bit Unix milliseconds, version 7, 12 random bits, variant 10, 62 random bits. */
export function uuidv7(ms: number, rng: Rng): string {
  const t = Math.floor(ms);
  if (t < 0 || t > 0xffff_ffff_ffff) throw new RangeError(`timestamp out of range for UUIDv7: ${ms}`);
  const timeHigh = Math.floor(t / 0x10000); // upper 32 bits
  const timeLow = t % 0x10000; // lower 16 bits
  const randA = rng.u32() & 0x0fff;
  const randB1 = (rng.u32() & 0x3fff) | 0x8000; // variant bits 10xx
  const randB2 = rng.u32() & 0xffff;
  const randB3 = rng.u32();
  return `${hex(timeHigh, 8)}-${hex(timeLow, 4)}-${hex(0x7000 | randA, 4)}-${hex(randB1, 4)}-${hex(randB2, 4)}${hex(randB3, 8)}`;
}

/** The 48-bit millisecond timestamp inside a UUIDv7. */
export function uuidv7Millis(id: string): number {
  const h = id.replace(/-/g, '');
  return parseInt(h.slice(0, 12), 16);
}

export type UuidParse = { ok: true; uuid: string } | { ok: false; error: string };

const isHex = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);

/**
 * `Uuid::from_str`: accepts simple (32 hex), hyphenated (36), braced `{…}` (38) and `urn:uuid:…`
 * (45); on success the canonical lowercase hyphenated form, else the crate's error text.
 */
export function parseUuid(input: string): UuidParse {
  const bytes = Buffer.from(input, 'utf8');
  let core: Buffer | undefined;
  if (bytes.length === 32) core = bytes;
  else if (bytes.length === 36) core = bytes;
  else if (bytes.length === 38 && bytes[0] === 0x7b && bytes[37] === 0x7d) core = bytes.subarray(1, 37);
  else if (bytes.length === 45 && bytes.subarray(0, 9).toString('latin1') === 'urn:uuid:') core = bytes.subarray(9);
  if (core) {
    const digits = core.length === 32 ? core : hyphenatedDigits(core);
    if (digits?.every(isHex)) {
      const h = digits.toString('latin1').toLowerCase();
      return {
        ok: true,
        uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
      };
    }
  }
  return { ok: false, error: uuidErrorText(input) };
}

function hyphenatedDigits(s: Buffer): Buffer | undefined {
  if (s.length !== 36 || s[8] !== 0x2d || s[13] !== 0x2d || s[18] !== 0x2d || s[23] !== 0x2d) return undefined;
  return Buffer.concat([s.subarray(0, 8), s.subarray(9, 13), s.subarray(14, 18), s.subarray(19, 23), s.subarray(24)]);
}

/** `InvalidUuid::into_err` followed by `Display for uuid::Error`. Indexes count UTF-8 bytes, from 1. */
function uuidErrorText(input: string): string {
  const all = Buffer.from(input, 'utf8');
  let str = input;
  let offset = 0;
  let simple = true;
  if (all.length >= 2 && all[0] === 0x7b && all[all.length - 1] === 0x7d) {
    str = input.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (input.startsWith('urn:uuid:')) {
    str = input.slice(9);
    offset = 9;
    simple = false;
  }
  let hyphens = 0;
  const bounds = [0, 0, 0, 0];
  let byteIndex = 0;
  for (const ch of str) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0xff || (cp !== 0x2d && !(cp < 0x80 && isHex(cp)))) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${ch}\` at ${byteIndex + offset + 1}`;
    }
    if (cp === 0x2d) {
      if (hyphens < 4) bounds[hyphens] = byteIndex;
      hyphens++;
    }
    byteIndex += Buffer.byteLength(ch, 'utf8');
  }
  if (hyphens === 0 && simple) return `invalid length: expected length 32 for simple format, found ${all.length}`;
  if (hyphens !== 4) return `invalid group count: expected 5, found ${hyphens + 1}`;
  const starts = [0, 9, 14, 19, 24] as const;
  const expected = [8, 4, 4, 4, 12] as const;
  for (let i = 0; i < 4; i++) {
    if (bounds[i] !== starts[i + 1]! - 1) {
      return `invalid group length in group ${i}: expected ${expected[i]}, found ${bounds[i]! - starts[i]!}`;
    }
  }
  return `invalid group length in group 4: expected 12, found ${all.length - 24}`;
}

/**
 * RFC 3339 UTC from epoch microseconds as chrono serializes a `DateTime<Utc>` (`SecondsFormat::AutoSi`):
 * as many fraction digits as the value needs, in steps of three — none, 3 or 6 (`…:05Z`,
 * `…:05.120Z`, `…:05.120431Z`). Feldera stores microseconds, so never 9.
 */
export function formatTimestamp(us: number): string {
  const whole = Math.floor(us);
  const secondsUs = whole % 1_000_000;
  const base = new Date((whole - secondsUs) / 1000).toISOString().slice(0, 19);
  if (secondsUs === 0) return `${base}Z`;
  const six = String(secondsUs).padStart(6, '0');
  return `${base}.${six.endsWith('000') ? six.slice(0, 3) : six}Z`;
}
