/**
 * Narrow terminals: every view that draws a table fits the terminal, and never cuts a word in two
 * (a terminal breaks a line wider than itself wherever the edge falls, mid-word). At 40 columns, and
 * at every width from 30 to 200, each line of `event list`, `event incidents`, `event timeline`,
 * `status`, `status --all-profiles` and `profile list` fits, and each word it prints is a word of the
 * same view drawn wide — or one of the few labels a narrow layout adds, or a word cut after a whole
 * word (`service…`), or the one exception: a word wider than the whole terminal, cut with `…`.
 *
 * The simulators run on manual clocks, so two runs of a view differ only by the width.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdIncidents } from '../../src/commands/event/incidents.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdTimeline } from '../../src/commands/event/timeline.js';
import { newCmdProfileList } from '../../src/commands/profile/list.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { textWidth } from '../../src/render/text.js';
import { formatDuration } from '../../src/util/duration.js';
import type { NewCmd } from '../helpers/command.js';
import { closedPort, configWith, HOUR, runCommand, type Sim, sim } from '../helpers/sim.js';

const SGR = /\u001b\[[0-9;]*m/g;
const words = (text: string) => text.replace(SGR, '').split(/\s+/).filter(Boolean);

/** The picture of the timeline (cells and axis) is a drawing scaled to the width, not words. */
const PICTURE = /^(?:(?:api|compiler|runner) +[▁▄█▒░·]+| {10}[ |]*| {10}[ \d:-]*)$/;

/**
 * Every line of `narrow` fits `width`, and every word of it is a word of `wide` (or of `labels`, or
 * a date of `wide` without its year), a whole word followed by `…`, or a word of `wide` wider than
 * the whole width, cut with `…`.
 */
function expectFits(narrow: string, wide: string, width: number, labels: readonly string[] = []): void {
  const lines = narrow.replace(SGR, '').split('\n');
  for (const l of lines) expect(textWidth(l), `wider than ${width}: ${l}`).toBeLessThanOrEqual(width);
  const wideWords = words(wide);
  const allowed = new Set([...wideWords, ...labels]);
  for (const w of wideWords) {
    const date = /^\d{4}-(\d\d-\d\d)$/.exec(w);
    if (date) allowed.add(date[1]!);
  }
  for (const l of lines) {
    if (PICTURE.test(l)) continue;
    for (const t of words(l)) {
      if (allowed.has(t)) continue;
      const base = t.endsWith('…') ? t.slice(0, -1) : undefined;
      if (base !== undefined && allowed.has(base)) continue;
      if (base !== undefined && wideWords.some((w) => w.startsWith(base) && textWidth(w) > width)) continue;
      expect.fail(`"${t}" at ${width} columns is no word of the wide view (a word cut in two?) in: ${l}`);
    }
  }
  expect(words(narrow).length).toBeGreaterThan(0);
}

interface View {
  name: string;
  cmd: NewCmd<unknown>;
  opts: Record<string, unknown>;
  host?: () => string;
  configDir?: () => string;
  /** Words a stacked layout adds to those of the wide view. */
  labels: readonly string[];
  /** More labels at a given width (the timeline's slice length). */
  at?: (width: number) => readonly string[];
}

let outage: Sim;
let stalled: Sim;
let fleetDir: string;
let profileDir: string;
let sliceWindowMs = 0;

beforeAll(async () => {
  outage = await sim({ scenario: 'compiler-outage', history: 6 * HOUR });
  stalled = await sim({ scenario: 'stalled', history: 3 * HOUR });
  const dead = `http://127.0.0.1:${await closedPort()}`;
  fleetDir = configWith({ prod: outage.url, staging: stalled.url, lab: dead }, 'prod');
  profileDir = configWith({});
  writeFileSync(
    join(profileDir, 'config.json'),
    JSON.stringify({
      current: 'prod',
      profiles: {
        prod: {
          host: 'https://feldera.example.com',
          auth: { kind: 'apikey', apiKey: `apikey:AbCd${'x'.repeat(120)}wxyz` },
          tenant: 'acme',
          serverVersion: '0.337.0',
          serverEdition: 'Enterprise',
        },
        ci: {
          host: 'https://feldera-ci.internal.example.com:8443',
          auth: { kind: 'token-command', command: 'gcloud auth print-identity-token --audiences=feldera' },
        },
        lab: { host: 'http://127.0.0.1:8080', auth: { kind: 'none' }, insecure: true },
      },
    }),
    { mode: 0o600 },
  );
  const t = await runCommand(newCmdTimeline, { json: true }, { host: outage.url });
  const j = JSON.parse(t.out) as { start: string; end: string };
  sliceWindowMs = Date.parse(j.end) - Date.parse(j.start);
});

afterAll(async () => {
  await outage.close();
  await stalled.close();
});

const VIEWS: View[] = [
  { name: 'event list', cmd: newCmdList, opts: {}, host: () => outage.url, labels: ['api', 'compiler', 'runner'] },
  {
    name: 'event incidents',
    cmd: newCmdIncidents,
    opts: {},
    host: () => outage.url,
    labels: ['from', 'to', 'event', 'events', 'starting'],
  },
  {
    name: 'event timeline',
    cmd: newCmdTimeline,
    opts: {},
    host: () => outage.url,
    labels: ['available', 'incident', 'incidents', 'unhealthy', 'unknown'],
    at: (width) => formatDuration(sliceWindowMs / (width - 10)).split(' '),
  },
  { name: 'status', cmd: newCmdStatus, opts: {}, host: () => outage.url, labels: ['since', 'starting'] },
  {
    name: 'status (stale)',
    cmd: newCmdStatus,
    opts: {},
    host: () => stalled.url,
    labels: ['since', 'starting'],
  },
  {
    name: 'status --all-profiles',
    cmd: newCmdStatus,
    opts: { allProfiles: true },
    configDir: () => fleetDir,
    labels: ['since', 'checked', 'api', 'compiler', 'runner', 'prod:', 'staging:', 'lab:'],
  },
  {
    name: 'profile list',
    cmd: newCmdProfileList,
    opts: {},
    configDir: () => profileDir,
    labels: ['auth', 'tenant', 'server'],
  },
];

async function draw(v: View, columns: number, color = false): Promise<string> {
  const r = await runCommand(v.cmd, v.opts, {
    ...(v.host && { host: v.host() }),
    ...(v.configDir && { configDir: v.configDir() }),
    tty: true,
    color,
    columns,
  });
  expect(r.out, r.err).not.toBe('');
  return r.out;
}

describe.each(VIEWS)('$name', (v) => {
  it('at 40 columns: every line fits, no word is cut in two', async () => {
    const wide = await draw(v, 200);
    const narrow = await draw(v, 40);
    expectFits(narrow, wide, 40, [...v.labels, ...(v.at?.(40) ?? [])]);
    // colour codes do not count: the coloured view has the same lines
    expect((await draw(v, 40, true)).replace(SGR, '')).toBe(narrow);
  });

  it('at any width from 30 to 200: every line fits, no word is cut in two', async () => {
    const wide = await draw(v, 200);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 30, max: 200 }), async (width) => {
        expectFits(await draw(v, width), wide, width, [...v.labels, ...(v.at?.(width) ?? [])]);
      }),
      { numRuns: 25 },
    );
  });
});

it('the check catches what a terminal does to a line wider than itself', () => {
  const wide =
    'SERVICE   STATUS     SINCE   MESSAGE\ncompiler  ✓ Healthy  6h ago  Healthy: The compiler service responded';
  // what a 40-column terminal shows of it: the second line broken mid-word
  const broken = wide
    .split('\n')
    .flatMap((l) => (l.length > 40 ? [l.slice(0, 40), l.slice(40)] : [l]))
    .join('\n');
  expect(() => expectFits(wide, wide, 40)).toThrow(/wider than 40/);
  expect(() => expectFits(broken, wide, 40)).toThrow(/no word of the wide view/);
});
