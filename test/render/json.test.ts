import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJson, jsonFormatFor, jsonString, writeJson } from '../../src/render/json.js';
import { bufferIO } from '../helpers/io.js';

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
const RISKY = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const event = {
  id: '019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f',
  recorded_at: '2025-12-08T14:03:06.655736Z',
  all_healthy: false,
  api_status: 'Healthy',
  compiler_status: 'Unhealthy',
  runner_status: 'InitialUnhealthy',
  compiler_self_info: 'line one\nline "two"\t\u001b[31mred\u001b[0m',
  runner_self_info: null,
};

describe('formatJson', () => {
  it('compact output is exactly JSON.stringify for ordinary values, key order kept', () => {
    expect(formatJson(event)).toBe(JSON.stringify(event));
    expect(formatJson({ z: 1, a: [1, 2, { b: null }], m: {} })).toBe('{"z":1,"a":[1,2,{"b":null}],"m":{}}');
  });

  it('pretty output is JSON.stringify with two-space indentation', () => {
    expect(formatJson(event, { pretty: true })).toBe(JSON.stringify(event, null, 2));
    expect(formatJson({ a: [], b: {}, c: [[1]] }, { pretty: true })).toBe(
      JSON.stringify({ a: [], b: {}, c: [[1]] }, null, 2),
    );
  });

  it('matches JSON.stringify for any JSON value without terminal-risky characters (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const plain = JSON.stringify(v);
        fc.pre(!RISKY.test(plain));
        expect(formatJson(v)).toBe(plain);
        expect(formatJson(v, { pretty: true })).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('always parses back to the identical value, pretty, compact or coloured-and-stripped (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        const text = formatJson(v, { pretty });
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        const coloured = formatJson(v, { pretty, color: true });
        expect(coloured.replace(SGR, '')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes C1 controls, bidi overrides and line separators, which JSON allows raw, without changing the value', () => {
    const nasty = 'a\u009b31mb\u202egnp.exe\u2028c\u2066d\u0085e';
    const text = formatJson({ k: nasty, [nasty]: 1 });
    expect(text).not.toMatch(RISKY);
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    expect(JSON.parse(text)).toEqual({ k: nasty, [nasty]: 1 });
    expect(jsonString('\u001b[2J')).toBe('"\\u001b[2J"');
  });

  it('colours keys, strings, numbers, booleans and null differently', () => {
    const text = formatJson({ s: 'x', n: 1.5, b: true, z: null }, { color: true });
    expect(text).toContain('\u001b[34;1m"s"\u001b[39;22m');
    expect(text).toContain('\u001b[32m"x"\u001b[39m');
    expect(text).toContain('\u001b[36m1.5\u001b[39m');
    expect(text).toContain('\u001b[33mtrue\u001b[39m');
    expect(text).toContain('\u001b[2mnull\u001b[22m');
  });

  it('drops what JSON.stringify drops', () => {
    expect(formatJson({ a: undefined, b: () => 1, c: 1 })).toBe('{"c":1}');
    expect(formatJson([undefined, Number.NaN])).toBe('[null,null]');
    expect(formatJson({ d: new Date(0) })).toBe(JSON.stringify({ d: new Date(0) }));
  });
});

describe('writeJson / jsonFormatFor', () => {
  it('at a terminal: pretty and coloured', () => {
    const io = bufferIO({ stdoutIsTTY: true, color: true });
    writeJson(io, event);
    expect(io.out()).toContain('\u001b[');
    expect(io.out().split('\n').length).toBeGreaterThan(5);
    expect(JSON.parse(io.out().replace(SGR, ''))).toEqual(event);
  });

  it('at a terminal without colour: pretty, no escape codes', () => {
    const io = bufferIO({ stdoutIsTTY: true, color: false });
    writeJson(io, event);
    expect(io.out()).toBe(`${JSON.stringify(event, null, 2)}\n`);
  });

  it('piped: one compact line and never colour, even when colour is forced (FORCE_COLOR must not break jq)', () => {
    const io = bufferIO({ stdoutIsTTY: false, color: true });
    writeJson(io, event);
    expect(io.out()).toBe(`${JSON.stringify(event)}\n`);
    expect(jsonFormatFor({ stdoutIsTTY: false, color: true })).toEqual({ pretty: false, color: false });
  });
});
