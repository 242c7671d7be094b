import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScrubber, maskSecret, PIECE, redactSecrets, scrubbedIO } from '../../src/io/secrets.js';
import { bufferIO } from '../helpers/io.js';

const KEY = `apikey:AbCd${'k3Y'.repeat(41)}wxyz`;
const TOKEN = 'tok-7f3a9c2e5b1d8f6a4c0e';

/** Every PIECE-long piece of the secret's body (its `apikey:` prefix is the same for every key). */
function pieces(secret: string): string[] {
  const body = secret.replace(/^apikey:/, '');
  return Array.from({ length: body.length - PIECE + 1 }, (_, i) => body.slice(i, i + PIECE));
}

function leaks(text: string, secret: string): string[] {
  return pieces(secret).filter((p) => text.includes(p));
}

describe('the scrubber', () => {
  const s = createScrubber();
  s.add(KEY);
  s.add(TOKEN);

  it('replaces a known credential by its mask, wherever it is', () => {
    expect(s.scrub(`a ${KEY} b`)).toBe('a apikey:AbCd…wxyz b');
    expect(s.scrub(`{"t":"${TOKEN}"}`)).toBe('{"t":"tok-…4c0e"}');
  });

  it('redacts a reflection cut short, and a piece without the prefix', () => {
    const cut = KEY.slice(0, 60);
    expect(leaks(s.scrub(`title: "${cut}"`), KEY)).toEqual([]);
    const bare = KEY.slice(20, 40);
    expect(s.scrub(`x=${bare};`)).toBe('x=<redacted>;');
    expect(s.scrub(`t=${TOKEN.slice(3, 15)} end`)).toBe('t=<redacted> end');
  });

  it('masks anything shaped like an API key, a JWT or a Bearer credential, known or not', () => {
    const other = `apikey:${'Zz9'.repeat(43)}`;
    expect(s.scrub(`key ${other}`)).toBe(`key ${maskSecret(other)}`);
    expect(s.scrub('x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl y')).toBe('x <token> y');
    expect(s.scrub('Authorization: Bearer 9f8e7d6c5b4a39281706')).toBe('Authorization: Bearer <token>');
  });

  it('leaves masks, prose and our own wording alone', () => {
    for (const text of [
      'auth    api key apikey:AbCd…wxyz',
      'apikey:****',
      'refusing to send a bearer credential in clear text to http://h',
      'auth:     API key required (Authorization: Bearer <the --api-key value>)',
      'token command `gcloud auth print-identity-token`',
      '01a21edf-f403-76c6-8342-ea767e3d5433',
    ]) {
      expect(s.scrub(text)).toBe(text);
    }
  });

  it('property: no piece of a known secret survives, however it is cut and surrounded', () => {
    const alnum = fc.stringMatching(/^[A-Za-z0-9]{16,140}$/);
    fc.assert(
      fc.property(
        alnum,
        fc.boolean(),
        fc.nat(),
        fc.nat(),
        fc.string(),
        fc.string(),
        (body, prefixed, a, b, before, after) => {
          const secret = prefixed ? `apikey:${body}` : body;
          const sc = createScrubber();
          sc.add(secret);
          const from = a % (secret.length - PIECE);
          const to = Math.min(secret.length, from + PIECE + (b % secret.length));
          const out = sc.scrub(before + secret.slice(from, to) + after);
          const found = leaks(out, secret).filter((p) => !(before + after).includes(p));
          expect(found).toEqual([]);
        },
      ),
      { numRuns: 500, seed: 10 },
    );
  });

  it('scrubbedIO scrubs both streams and keeps lazy getters lazy', () => {
    const inner = bufferIO();
    let touched = 0;
    const get = () => {
      touched++;
      return true;
    };
    Object.defineProperty(inner, 'stdinIsTTY', { get, enumerable: true, configurable: true });
    const io = scrubbedIO(inner, s);
    expect(touched).toBe(0);
    io.stdout.write(`out ${KEY}\n`);
    io.stderr.write(`err ${TOKEN}\n`);
    expect(inner.out()).toBe('out apikey:AbCd…wxyz\n');
    expect(inner.err()).not.toContain(TOKEN);
    expect(io.stdinIsTTY).toBe(true);
    expect(touched).toBe(1);
  });

  it('redactSecrets without known secrets: shapes only', () => {
    expect(redactSecrets(`key ${KEY} and eyJhbGciOi.eyJzdWIiOiIx.sig-nature`)).toBe('key apikey:AbCd…wxyz and <token>');
  });
});

describe('OAuth token parameters', () => {
  it('their values are hidden in JSON and in forms, whoever they belong to', () => {
    const opaque = 'Zq3xV9pLk2mN8rT4yW6aB1cD';
    expect(redactSecrets(`{"refresh_token":"${opaque}","token_type":"bearer"}`)).toBe(
      '{"refresh_token":"<token>","token_type":"bearer"}',
    );
    expect(redactSecrets(`grant_type=refresh_token&refresh_token=${opaque}&client_id=feldera`)).toBe(
      'grant_type=refresh_token&refresh_token=<token>&client_id=feldera',
    );
    expect(redactSecrets(`access_token: ${opaque}, id_token=${opaque}; code_verifier=${opaque}`)).toBe(
      'access_token: <token>, id_token=<token>; code_verifier=<token>',
    );
  });

  it('prose about them is left alone', () => {
    const prose = 'the identity provider gave no refresh token; grant_type=refresh_token';
    expect(redactSecrets(prose)).toBe(prose);
  });
});
