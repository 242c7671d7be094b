/**
 * The certificate `simulate --tls` makes at start: a valid X.509 v3 certificate that is its own CA,
 * for the loopback names and the extra ones asked for; and `startSimulator({ tls })` serving
 * HTTPS with it.
 */
import { X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate, startSimulator } from '../../src/simulator/index.js';

describe('selfSignedCertificate', () => {
  it('is a self-signed CA certificate for localhost, 127.0.0.1, ::1 and the extra names, valid now', () => {
    const now = Date.UTC(2030, 5, 1);
    const c = new X509Certificate(
      selfSignedCertificate({ names: ['feldera.test', '10.0.0.7', 'fe80::1'], now, days: 2 }).cert,
    );
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.checkIssued(c)).toBe(true);
    expect(c.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:feldera.test, IP Address:10.0.0.7, IP Address:FE80:0:0:0:0:0:0:1',
    );
    expect(c.checkHost('feldera.test')).toBe('feldera.test');
    expect(c.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.parse(c.validFrom)).toBeLessThan(now);
    expect(Date.parse(c.validTo)).toBe(now + 2 * 86_400_000 - ((now + 2 * 86_400_000) % 1000));
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('a fresh key and serial every time', () => {
    const a = new X509Certificate(selfSignedCertificate().cert);
    const b = new X509Certificate(selfSignedCertificate().cert);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(
      a.publicKey.export({ format: 'der', type: 'spki' }).equals(b.publicKey.export({ format: 'der', type: 'spki' })),
    ).toBe(false);
  });
});

describe('startSimulator({ tls })', () => {
  it('serves https; a client that trusts the certificate gets answers, one that does not is refused', async () => {
    const sim = await startSimulator({ tls: { names: ['feldera.test'] }, seed: 1 });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.tls?.names).toEqual(['localhost', '127.0.0.1', '::1', 'feldera.test']);
      const code = await new Promise<number>((res, rej) =>
        get(`${sim.url}/v0/cluster_healthz`, { ca: sim.tls!.cert }, (r) => {
          r.resume();
          res(r.statusCode ?? 0);
        }).on('error', rej),
      );
      expect(code).toBe(200);
      await expect(
        new Promise((res, rej) => get(`${sim.url}/healthz`, (r) => res(r.statusCode)).on('error', rej)),
      ).rejects.toThrow(/self-signed certificate/);
    } finally {
      await sim.close();
    }
  });
});
