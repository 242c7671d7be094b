/**
 * The loopback redirect server of the browser login: it takes only this login's answer, says how it
 * went in the browser tab, and listens no more once it is done, cancelled or out of time.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OidcError } from '../../src/oidc/errors.js';
import { listenLoopback, page } from '../../src/oidc/loopback.js';
import { openBrowser, openerFor } from '../../src/oidc/open-browser.js';
import { until } from '../helpers/wait.js';

function get(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

const refused = (url: string) =>
  get(url).then(
    () => 'answered',
    (e: NodeJS.ErrnoException) => e.code,
  );

describe('the loopback redirect', () => {
  it('listens on 127.0.0.1 at /callback, takes the answer with this state, and answers the tab after the exchange', async () => {
    const lb = await listenLoopback(0, new AbortController().signal);
    expect(lb.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const waiting = lb.wait('s1', 60_000);
    const wrong = await get(`${lb.redirectUri}?code=c0&state=other`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/does not belong to the login in progress/);
    expect((await get(lb.redirectUri.replace('/callback', '/favicon.ico'))).status).toBe(404);
    const tab = get(`${lb.redirectUri}?code=c1&state=s1`);
    const cb = await waiting;
    expect(cb.url.searchParams.get('code')).toBe('c1');
    cb.finish(true, 'Logged in as <alice>.');
    const shown = await tab;
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Logged in as &lt;alice&gt;.');
    expect(shown.headers['content-security-policy']).toMatch(/default-src 'none'/);
    await lb.close();
    expect(await refused(lb.redirectUri)).toBe('ECONNREFUSED');
  });

  it('Ctrl-C ends the wait (exit 130) and closes the server', async () => {
    const ac = new AbortController();
    const lb = await listenLoopback(0, ac.signal);
    const waiting = lb.wait('s', 60_000);
    ac.abort();
    const e = await waiting.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OidcError);
    expect((e as OidcError).exitCode).toBe(130);
    await lb.close();
    expect(await refused(lb.redirectUri)).toBe('ECONNREFUSED');
  });

  it('gives up after the time limit, with what to do', async () => {
    const lb = await listenLoopback(0, new AbortController().signal);
    const e = (await lb.wait('s', 5).catch((x: unknown) => x)) as OidcError;
    expect(e.message).toMatch(/no answer from the browser/);
    expect(e.hint).toMatch(/--device/);
    expect(await refused(lb.redirectUri)).toBe('ECONNREFUSED');
  });

  it('a port in use is said as such', async () => {
    const first = await listenLoopback(0, new AbortController().signal);
    const port = Number(new URL(first.redirectUri).port);
    const e = (await listenLoopback(port, new AbortController().signal).catch((x: unknown) => x)) as OidcError;
    expect(e.message).toBe(`cannot wait for the browser on 127.0.0.1:${port}: the port is in use`);
    expect(e.hint).toMatch(/--callback-port/);
    await first.close();
  });

  it('the page escapes what it says and loads nothing', () => {
    const html = page(false, `<script>alert(1)</script> "x" & 'y'`);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; &#39;y&#39;');
    expect(html).not.toMatch(/src=|href=/);
  });
});

describe('opening the browser', () => {
  it('BROWSER is run through the shell with the URL as one argument; else the platform opener', () => {
    const url = 'http://127.0.0.1:1/auth?a=1&b=$(touch /tmp/x)';
    expect(openerFor(url, { BROWSER: 'firefox --new-window' }, 'linux')).toEqual({
      file: '/bin/sh',
      args: ['-c', 'firefox --new-window "$1"', 'sh', url],
    });
    expect(openerFor(url, {}, 'linux')).toEqual({ file: 'xdg-open', args: [url] });
    expect(openerFor(url, {}, 'darwin')).toEqual({ file: 'open', args: [url] });
    expect(openerFor(url, {}, 'win32')?.file).toBe('rundll32');
  });

  it('runs BROWSER with the URL, unharmed by its shell characters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-browser-'));
    const script = join(dir, 'browser.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > "${dir}/url"\n`);
    chmodSync(script, 0o755);
    const url = 'http://127.0.0.1:1/auth?a=1&b=$(touch x)';
    expect(await openBrowser(url, { BROWSER: script })).toBe(true);
    const written = () => {
      try {
        return readFileSync(join(dir, 'url'), 'utf8') === url;
      } catch {
        return false; // not yet written
      }
    };
    await until(written, 'the opener to write the URL').catch(() => undefined);
    expect(readFileSync(join(dir, 'url'), 'utf8')).toBe(url);
  });

  it('an opener that cannot be started is false, not a crash', async () => {
    expect(await openBrowser('http://127.0.0.1:1/', { BROWSER: '', PATH: '/nonexistent' })).toBe(false);
  });
});
