import { Chalk } from 'chalk';
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/api/types.js';
import { judgeEvent } from '../../src/domain/verdict.js';
import { renderEvent, renderEventPlain, renderEventTerminal, renderServiceReports } from '../../src/render/event.js';
import { textWidth, wrapText } from '../../src/render/text.js';
import { formatTimestamp } from '../../src/render/time.js';

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const BOX = /[┌┐└┘├┤┬┴┼─│]/;
const MIN = 60_000;
const RECORDED = '2025-12-08T14:03:06.655736Z';
const T = Date.parse(RECORDED);
const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const cps = textWidth;

const base: ClusterEvent = {
  id: '019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f',
  recorded_at: RECORDED,
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
};

const unhealthy: ClusterEvent = {
  ...base,
  all_healthy: false,
  compiler_status: 'Unhealthy',
  runner_status: 'InitialUnhealthy',
  api_self_info: 'Healthy: The api service responded successfully to the last health check.',
  api_resources_info: 'Resources information not available in Community edition.',
  compiler_self_info:
    'Unreachable: Unable to connect to the compiler at http://127.0.0.1:8085/healthz?check_storage=true. This likely means the service is not running, has crashed, or is not listening on the expected port. Please ensure that the compiler is running and check its logs for details.',
  compiler_resources_info:
    'StatefulSet feldera/feldera-compiler-server: 0/1 replicas ready\n  Pod feldera/feldera-compiler-server-0: CrashLoopBackOff, 7 restarts\n\nService feldera/feldera-compiler-server: 0 ready endpoints',
  runner_self_info: null,
  runner_resources_info: '',
};

const hostile: ClusterEvent = {
  ...unhealthy,
  api_self_info:
    'ok \u001b[2J\u001b[H\u001b]0;pwned\u0007 cleared \u009b31m c1 \u202eevil\u202c \r\nnext\tline \u0000nul \u007fdel',
  api_resources_info: '\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\ text',
};

function assess(e: ClusterEvent, ageMs: number, latest = true, staleAfterMs = 12 * MIN) {
  return judgeEvent(e, { now: Date.parse(e.recorded_at) + ageMs, staleAfterMs: latest ? staleAfterMs : undefined });
}

describe('wrapText', () => {
  it('keeps line breaks, blank lines and short lines exactly', () => {
    expect(wrapText('a  b\n\n  c', 20)).toEqual(['a  b', '', '  c']);
  });

  it('wraps long lines at spaces, repeating the leading indentation', () => {
    const lines = wrapText('    one two three four five six seven', 16);
    expect(lines).toEqual(['    one two', '    three four', '    five six', '    seven']);
  });

  it('cuts words longer than a line, after a URL punctuation mark where it can', () => {
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrapText('see http://compiler.local:8085/healthz?check_storage=true now', 24)).toEqual([
      'see',
      'http://compiler.local:',
      '8085/healthz?check_',
      'storage=true now',
    ]);
  });

  it('counts wide characters as two columns and combining marks as none', () => {
    expect(textWidth('編譯失敗')).toBe(8);
    expect(textWidth('🚀a')).toBe(3);
    expect(textWidth('e\u0301')).toBe(1);
    expect(wrapText('編譯失敗 編譯失敗 編譯失敗', 17)).toEqual(['編譯失敗 編譯失敗', '編譯失敗']);
    expect(wrapText('編譯失敗編譯失敗編譯', 10)).toEqual(['編譯失敗編', '譯失敗編譯']);
  });

  it('never exceeds the width and never loses a word (property)', () => {
    const word = fc.stringMatching(/^[a-zé🚀]{1,30}$/u);
    const line = fc
      .tuple(fc.nat({ max: 6 }), fc.array(word, { maxLength: 20 }))
      .map(([n, ws]) => ' '.repeat(n) + ws.join(' '));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.integer({ min: 12, max: 120 }), (lines, cols) => {
        const out = wrapText(lines.join('\n'), cols);
        for (const l of out) expect(cps(l)).toBeLessThanOrEqual(cols);
        expect(out.join('').replace(/\s+/g, '')).toBe(lines.join('').replace(/\s+/g, ''));
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderServiceReports', () => {
  it('shows both reports under a service line, wrapped to the width with a hanging indent', () => {
    const text = renderServiceReports(unhealthy, 'compiler', { columns: 70, color: plain });
    const lines = text.split('\n');
    expect(lines[0]).toBe('compiler · ✗ Unhealthy');
    expect(lines[1]).toMatch(/^ {2}self check {2}Unreachable: Unable to connect/);
    for (const l of lines) expect(cps(l)).toBeLessThanOrEqual(70);
    // continuation lines line up under the text
    expect(lines[2]).toMatch(/^ {14}\S/);
  });

  it("keeps a report's line breaks, its inner indentation and its blank lines", () => {
    const lines = renderServiceReports(unhealthy, 'compiler', { columns: 100, color: plain }).split('\n');
    const res = lines.findIndex((l) => l.includes('resources'));
    expect(lines[res]).toMatch(/resources {3}StatefulSet feldera\/feldera-compiler-server: 0\/1 replicas ready$/);
    expect(lines[res + 1]).toBe(
      `${' '.repeat(14)}  Pod feldera/feldera-compiler-server-0: CrashLoopBackOff, 7 restarts`,
    );
    expect(lines[res + 2]).toBe('');
    expect(lines[res + 3]).toBe(`${' '.repeat(14)}Service feldera/feldera-compiler-server: 0 ready endpoints`);
  });

  it('marks null and empty reports, and leaves out reports the event does not carry', () => {
    expect(renderServiceReports(unhealthy, 'runner', { columns: 80, color: plain })).toBe(
      ['runner · … InitialUnhealthy', '  self check  (none)', '  resources   (empty)'].join('\n'),
    );
    expect(renderServiceReports(base, 'api', { columns: 80, color: plain })).toBe('api · ✓ Healthy');
  });

  it('colours the status when given a chalk instance, and indents on request', () => {
    const text = renderServiceReports(unhealthy, 'compiler', { columns: 80, color: colour, indent: 4 });
    expect(text).toContain(colour.red('Unhealthy'));
    expect(
      text
        .replace(SGR, '')
        .split('\n')
        .every((l) => l === '' || l.startsWith('    ')),
    ).toBe(true);
  });

  it('on a narrow terminal puts the text under its label', () => {
    const lines = renderServiceReports(unhealthy, 'compiler', { columns: 40, color: plain }).split('\n');
    expect(lines[1]).toBe('  self check');
    expect(lines[2]).toMatch(/^ {4}Unreachable:/);
    for (const l of lines) expect(cps(l)).toBeLessThanOrEqual(40);
  });

  it('never lets escape sequences or control characters through', () => {
    const text = renderServiceReports(hostile, 'api', { columns: 100, color: plain });
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('cleared');
    expect(text).toContain('\\u0000nul');
    expect(text).not.toContain('pwned\u0007');
    // the CR LF became a line break, kept readable under the label
    expect(text).toMatch(/\n {14}next {4}line/);
  });
});

describe('renderEventTerminal', () => {
  const deps = { Table, color: plain };

  it('a healthy event: verdict, id, recorded time with age, a table of the three services', () => {
    const out = renderEventTerminal(base, assess(base, 3 * MIN), { utc: true, columns: 100 }, deps);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^✓ healthy/);
    expect(lines[1]).toBe(`  event    ${base.id}`);
    expect(lines[2]).toBe('  recorded 2025-12-08 14:03:06Z (3m ago)');
    expect(out).toMatch(BOX);
    expect(out).toMatch(/│ api +│ ✓ Healthy +│ passed its last health check/);
    expect(out).toMatch(/│ runner +│ ✓ Healthy/);
    expect(out).not.toContain('self check');
  });

  it('local time unless --utc', () => {
    const out = renderEventTerminal(base, assess(base, 3 * MIN), { utc: false, columns: 100 }, deps);
    expect(out).toContain(`recorded ${formatTimestamp(T, false)} (3m ago)`);
  });

  it('a not-healthy event names the failing services and, with reports, shows them all', () => {
    const out = renderEventTerminal(unhealthy, assess(unhealthy, 3 * MIN), { utc: true, columns: 100 }, deps);
    expect(out.split('\n')[0]).toBe('✗ unhealthy  ·  compiler Unhealthy, runner starting (InitialUnhealthy)');
    expect(out).toMatch(/│ compiler +│ ✗ Unhealthy +│ failing after having been healthy/);
    expect(out).toMatch(/│ runner +│ … InitialUnhealthy +│ no check passed yet \(starting\?\)/);
    for (const s of ['api · ✓ Healthy', 'compiler · ✗ Unhealthy', 'runner · … InitialUnhealthy'])
      expect(out).toContain(s);
    for (const l of out.split('\n')) expect(cps(l)).toBeLessThanOrEqual(100);
  });

  it('colours: verdict and statuses in their colours (Healthy green, InitialUnhealthy amber, Unhealthy red)', () => {
    const out = renderEventTerminal(
      unhealthy,
      assess(unhealthy, MIN),
      { utc: true, columns: 100 },
      { Table, color: colour },
    );
    expect(out).toContain(colour.red.bold('✗ unhealthy'));
    expect(out).toContain(colour.green('Healthy'));
    expect(out).toContain(colour.yellow('InitialUnhealthy'));
    expect(out).toContain(colour.red('Unhealthy'));
    const noColour = renderEventTerminal(unhealthy, assess(unhealthy, MIN), { utc: true, columns: 100 }, deps);
    expect(noColour).not.toContain('\u001b');
    expect(out.replace(SGR, '')).toBe(noColour);
  });

  it('stale: said once, in the heading, with the age and the limit', () => {
    const a = assess(base, 2 * 3_600_000 + 5 * MIN);
    expect(a.verdict).toBe('stale');
    const out = renderEventTerminal(base, a, { utc: true, columns: 200, limit: '12m' }, { Table, color: colour });
    const text = out.replace(SGR, '');
    expect(text.split('\n')[0]).toBe(
      '! stale  ·  all healthy when recorded, but no check for 2h 5m (more than 12m): the monitor has stopped recording, so current health is unknown',
    );
    expect(text).toContain('(2h 5m ago)');
    expect(text.match(/stale|stopped recording/g)).toHaveLength(2);
    expect(out).toContain(colour.magenta.bold('! stale'));
  });

  it('a stale-looking event that is not `latest` is history, not stale', () => {
    const a = assess(base, 5 * 3_600_000, false);
    expect(a.verdict).toBe('healthy');
    expect(renderEventTerminal(base, a, { utc: true, columns: 100 }, deps)).toMatch(/^✓ healthy/);
  });

  it('a disagreement between all_healthy and the statuses is shown, and counts as not healthy', () => {
    const liar: ClusterEvent = { ...base, compiler_status: 'Unhealthy' };
    const a = assess(liar, MIN);
    expect(a.verdict).toBe('unhealthy');
    expect(a.mismatch).toBe('the server says all_healthy is true, but compiler is Unhealthy');
    const out = renderEventTerminal(liar, a, { utc: true, columns: 100 }, deps);
    expect(out).toContain('! the server says all_healthy is true, but compiler is Unhealthy; treated as not healthy');
    const other = assess({ ...base, all_healthy: false }, MIN);
    expect(other.mismatch).toBe('the server says all_healthy is false, but all three services are Healthy');
    expect(
      renderEventTerminal({ ...base, all_healthy: false }, other, { utc: true, columns: 100 }, deps).split('\n')[0],
    ).toBe('✗ unhealthy  ·  the server says all_healthy is false');
  });

  it('drops the meaning column on a narrow terminal', () => {
    const out = renderEventTerminal(base, assess(base, MIN), { utc: true, columns: 50 }, deps);
    expect(out).not.toContain('Meaning');
    for (const l of out.split('\n')) expect(cps(l)).toBeLessThanOrEqual(50);
  });

  it('hostile server text never reaches the terminal raw', () => {
    const out = renderEventTerminal(hostile, assess(hostile, MIN), { utc: true, columns: 100 }, deps);
    expect(out).not.toMatch(RAW_CONTROL);
    const coloured = renderEventTerminal(
      hostile,
      assess(hostile, MIN),
      { utc: true, columns: 100 },
      { Table, color: colour },
    );
    expect(coloured.replace(SGR, '')).not.toMatch(RAW_CONTROL);
  });
});

describe('renderEventPlain', () => {
  it('status selector: stable key: value lines, the server field names, no box drawing', () => {
    const out = renderEventPlain(base, assess(base, 3 * MIN + 5000), { utc: true });
    expect(out).toBe(
      [
        `id: ${base.id}`,
        'verdict: healthy',
        `recorded_at: ${RECORDED}`,
        'recorded: 2025-12-08 14:03:06Z',
        'age: 3m 5s',
        'all_healthy: true',
        'api_status: Healthy',
        'compiler_status: Healthy',
        'runner_status: Healthy',
        '',
      ].join('\n'),
    );
    expect(renderEventPlain(base, assess(base, MIN), { utc: false })).toContain(
      `recorded: ${formatTimestamp(T, false)}\n`,
    );
  });

  it('all selector: every report line carries its key, so grep and cut work', () => {
    const out = renderEventPlain(unhealthy, assess(unhealthy, MIN), { utc: true });
    expect(out).not.toMatch(BOX);
    expect(out).toContain('verdict: unhealthy\n');
    expect(out).toContain(`compiler_self_info: ${unhealthy.compiler_self_info}\n`);
    const res = out.split('\n').filter((l) => l.startsWith('compiler_resources_info'));
    expect(res).toEqual([
      'compiler_resources_info: StatefulSet feldera/feldera-compiler-server: 0/1 replicas ready',
      'compiler_resources_info:   Pod feldera/feldera-compiler-server-0: CrashLoopBackOff, 7 restarts',
      'compiler_resources_info:',
      'compiler_resources_info: Service feldera/feldera-compiler-server: 0 ready endpoints',
    ]);
    expect(out).toContain('runner_self_info: (none)\n');
    for (const l of out.trimEnd().split('\n')) expect(l).toMatch(/^[a-z_]+:( |$)/);
  });

  it('stale: a verdict row and an explanation row', () => {
    const out = renderEventPlain(base, assess(base, 3_600_000), { utc: true });
    expect(out).toContain('verdict: stale\n');
    expect(out).toContain('age: 1h\n');
    expect(out).toMatch(/^stale: the latest event is 1h old \(more than 12m\)/m);
  });

  it('hostile server text is sanitised', () => {
    const out = renderEventPlain(hostile, assess(hostile, MIN), { utc: true });
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toContain('api_self_info: next    line \\u0000nul \\u007fdel\n');
  });
});

describe('renderEvent', () => {
  it('piped: the plain form; at a terminal: the table form, coloured only when colour is on', async () => {
    const a = assess(unhealthy, MIN);
    const piped = await renderEvent(unhealthy, a, { utc: true, columns: 100 }, { stdoutIsTTY: false, color: true });
    expect(piped).toBe(renderEventPlain(unhealthy, a, { utc: true }));
    const tty = await renderEvent(unhealthy, a, { utc: true, columns: 100 }, { stdoutIsTTY: true, color: false });
    expect(tty).toMatch(BOX);
    expect(tty).not.toContain('\u001b');
    const ttyColour = await renderEvent(unhealthy, a, { utc: true, columns: 100 }, { stdoutIsTTY: true, color: true });
    expect(ttyColour).toContain('\u001b[31m');
  });
});
