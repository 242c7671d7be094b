/**
 * Transport failures read the same on every Node: Node 24 appends advice for whoever starts Node
 * to certificate errors, which a user of this tool cannot act on (the hint says what to do).
 */
import { describe, expect, it } from 'vitest';
import { transportFailure } from '../../src/api/errors.js';

describe('transportFailure', () => {
  const node20 = 'self-signed certificate';
  const node24 =
    'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca';

  it('a certificate failure says the same on Node 20 and Node 24, with our hint', () => {
    const [a, b] = [node20, node24].map((m) =>
      transportFailure('/v0/cluster_healthz', 'https://127.0.0.1:8443', 'DEPTH_ZERO_SELF_SIGNED_CERT', m, new Error(m)),
    );
    expect(a!.message).toBe('TLS failure talking to https://127.0.0.1:8443: self-signed certificate');
    expect(b!.message).toBe(a!.message);
    expect(b!.hint).toMatch(/--ca-cert FILE/);
  });

  it('other text of the message is kept', () => {
    const m = 'unable to verify the first certificate';
    expect(
      transportFailure('/v0/cluster_healthz', 'https://h', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', m, new Error(m)).message,
    ).toBe(`TLS failure talking to https://h: ${m}`);
  });

  it('an answer Node cannot parse as HTTP (headers too large, a bad status line) is said as such and not retried', () => {
    const big = transportFailure(
      '/v0/cluster_healthz',
      'http://h',
      'HPE_HEADER_OVERFLOW',
      'Parse Error: Header overflow',
      new Error('x'),
    );
    expect(big).toMatchObject({
      apiKind: 'too-large',
      transient: false,
      message: 'http://h sent headers too large to read for /v0/cluster_healthz',
    });
    const bad = transportFailure(
      '/v0/cluster_healthz',
      'http://h',
      'HPE_INVALID_CONSTANT',
      'Parse Error: Expected HTTP/',
      new Error('x'),
    );
    expect(bad).toMatchObject({ apiKind: 'invalid-response', transient: false });
    expect(bad.message).toBe(
      'http://h sent an answer that is not valid HTTP (Parse Error: Expected HTTP/) for /v0/cluster_healthz',
    );
  });
});
