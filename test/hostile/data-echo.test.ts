/**
 * A server that puts the credential it was sent into the data of a valid answer (an info text, a
 * health message, a tenant name). The tool prints server data as it came, so only the scrubber at
 * the IO streams (src/io/secrets.ts) stands between that text and the output: this test fails the
 * moment a path writes around it. The fuzz (fuzz.ts) reflects the credential everywhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, MODES, READERS, runCase } from './run.js';
import { GOOD_EVENT, type HostileServer, jsonAnswer, REFLECT, startHostileServer } from './server.js';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

const json = jsonAnswer;

describe('the credential echoed in the data of a valid answer', () => {
  it('never reaches the output (credential scrubbing)', async () => {
    const cases = [
      {
        endpoint: 'latest-all' as const,
        answer: json({ ...GOOD_EVENT, compiler_self_info: `token ${REFLECT} rejected` }),
      },
      {
        endpoint: 'session' as const,
        answer: json({ tenant_id: REFLECT, tenant_name: REFLECT, role: 'read', memberships: [] }),
      },
    ];
    for (const { endpoint, answer } of cases) {
      server.attack = { endpoint, answer };
      for (const mode of MODES) {
        for (const asJson of [false, true]) {
          const o = await runCase(server.url, READERS[endpoint][0]!, mode, asJson, 100);
          expect(o.out + o.err).not.toContain(KEY);
        }
      }
    }
  });
});
