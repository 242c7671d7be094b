import { describe, expect, it } from 'vitest';
import { newCmdVersion as run } from '../../src/commands/version.js';
import { EXIT } from '../../src/errors.js';
import { FELDERA_VERSION } from '../../src/simulator/index.js';
import { VERSION } from '../../src/version.js';
import { oldFeldera } from '../helpers/old-feldera.js';
import { closedPort, HOUR, runCommand, sim } from '../helpers/sim.js';

describe('cluster version', () => {
  it('this tool and the server: version, edition, revision, what it supports; --json the same', async () => {
    const s = await sim({ scenario: 'healthy', history: HOUR, edition: 'enterprise' });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r.code).toBe(EXIT.OK);
      expect(r.out).toMatch(
        new RegExp(
          `^client: ${VERSION}\\nhost: ${s.url}\\nserver: ${FELDERA_VERSION.replace(/\./g, '\\.')}\\nedition: Enterprise\\nrevision: [0-9a-f]{40}\\nsupports: status yes, events yes, unchanged_since from history yes\\n$`,
        ),
      );
      const j = JSON.parse((await runCommand(run, { json: true }, { host: s.url })).out);
      expect(j).toMatchObject({
        client: { name: 'feldera-cluster', version: VERSION },
        server: {
          host: s.url,
          version: FELDERA_VERSION,
          edition: 'Enterprise',
          supports: { cluster_healthz: true, cluster_events: true, unchanged_since_from_history: true },
        },
        error: null,
      });
      const t = await runCommand(run, {}, { host: s.url, tty: true });
      expect(t.out).toMatch(/^client {4}\S+\nhost {6}/);
    } finally {
      await s.close();
    }
  });

  it('a Feldera of v0.150: no cluster events, no unchanged_since from history', async () => {
    const old = await oldFeldera({ version: '0.150.0' });
    try {
      const r = await runCommand(run, {}, { host: old.url });
      expect(r.out).toContain('server: 0.150.0\nedition: Open source\n');
      expect(r.out).toContain('supports: status yes, events no, unchanged_since from history no\n');
    } finally {
      await old.close();
    }
  });

  it('--client asks no server; an unreachable server is exit 1 after the client line', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const c = await runCommand(run, { client: true }, { host: dead });
    expect(c).toMatchObject({ code: EXIT.OK, out: `client: ${VERSION}\n`, err: '' });
    const r = await runCommand(run, {}, { host: dead });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.out).toBe(`client: ${VERSION}\n`);
    expect(r.err).toMatch(/^error: cannot reach/);
    const j = await runCommand(run, { json: true }, { host: dead });
    expect(JSON.parse(j.out)).toMatchObject({
      client: { version: VERSION },
      server: null,
      error: { kind: 'unreachable' },
    });
  });
});
