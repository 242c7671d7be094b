/**
 * U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR in server text: line breaks for many
 * terminals, editors and log viewers, so they may no more reach plain output than "\n" may inside
 * a field. The hostile server puts them in the texts each reader shows; every output mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeLine, sanitizeText } from '../../src/io/sanitize.js';
import { MODES, READERS, runCase } from './run.js';
import { EVENT_ID, GOOD_EVENT, type HostileServer, jsonAnswer, startHostileServer } from './server.js';

const SEP = /[\u2028\u2029]/;
const TEXT = 'line one\u2028FORGED: all healthy\u2029end';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

const json = jsonAnswer;

describe('U+2028 / U+2029', () => {
  it('sanitizeLine makes them spaces; sanitizeText makes them line breaks of its own', () => {
    expect(sanitizeLine(TEXT)).toBe('line one FORGED: all healthy end');
    expect(sanitizeText(TEXT)).toBe('line one\nFORGED: all healthy\nend');
  });

  it('never reach the output of any reader, in any mode, with or without --json', async () => {
    const info = {
      api_self_info: TEXT,
      api_resources_info: TEXT,
      compiler_self_info: TEXT,
      compiler_resources_info: TEXT,
      runner_self_info: TEXT,
      runner_resources_info: TEXT,
    };
    const event = { ...GOOD_EVENT, ...info };
    const cases = [
      { endpoint: 'latest-all' as const, answer: json(event) },
      { endpoint: 'list' as const, answer: json([{ ...GOOD_EVENT, id: EVENT_ID }]) },
      {
        endpoint: 'session' as const,
        answer: json({ tenant_id: TEXT, tenant_name: TEXT, role: 'read', memberships: [] }),
      },
    ];
    let seen = 0;
    for (const { endpoint, answer } of cases) {
      server.attack = { endpoint, answer };
      for (const c of READERS[endpoint]) {
        for (const mode of MODES) {
          for (const asJson of [false, true]) {
            const o = await runCase(server.url, c, mode, asJson, 100);
            expect(o.out + o.err, `${c.name} ${mode} json=${asJson}`).not.toMatch(SEP);
            if ((o.out + o.err).includes('FORGED')) seen++;
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(0); // the text was shown somewhere: the check above had something to see
  });
});
