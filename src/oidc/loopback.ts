/**
 * The loopback redirect of RFC 8252 (7.3): a one-use HTTP server on 127.0.0.1 (never a name, never
 * another interface) that waits for the browser to come back to `/callback` with the answer of the
 * authorization request. An answer whose `state` is not this login's is turned away (and the wait
 * goes on): it was not started here. The page the browser then shows is sent once the code has been
 * exchanged, so it can say whether the login worked. Closing — on success, failure, Ctrl-C or the
 * time limit — ends every connection, so nothing keeps listening after the command.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancelled, OidcError } from './errors.js';

export const CALLBACK_PATH = '/callback';

export interface Callback {
  /** The URL the browser came back to (code, state, iss or error). */
  url: URL;
  /** Answer the browser: the login worked (`ok`) or not, in a sentence. */
  finish(ok: boolean, text: string): void;
}

export interface Loopback {
  redirectUri: string;
  /** The browser's answer for `state`; rejects on Ctrl-C (`signal`) or after `timeoutMs`. */
  wait(state: string, timeoutMs: number): Promise<Callback>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small page for the browser tab; no script, nothing loaded from elsewhere. */
export function page(ok: boolean, text: string): string {
  const title = ok ? 'Logged in' : 'Login failed';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>cluster: ${title}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; margin: 3em auto; max-width: 40em">',
    `<h1>${title}</h1>`,
    `<p>${escapeHtml(text)}</p>`,
    '<p>You can close this window and return to the terminal.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
};

/** Listen on 127.0.0.1:`port` (0: any free port). */
export async function listenLoopback(port: number, signal: AbortSignal): Promise<Loopback> {
  const { createServer } = await import('node:http');
  let deliver: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || !deliver) {
      res.writeHead(404, HEADERS).end(page(false, 'Nothing here.'));
      return;
    }
    deliver(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new OidcError(
          e.code === 'EADDRINUSE'
            ? `cannot wait for the browser on 127.0.0.1:${port}: the port is in use`
            : `cannot wait for the browser on 127.0.0.1:${port}: ${e.code ?? e.message}`,
          { hint: 'choose another --callback-port, or leave it out for any free port' },
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));

  return {
    redirectUri: `http://127.0.0.1:${actual}${CALLBACK_PATH}`,
    close,
    wait(state, timeoutMs) {
      return new Promise<Callback>((resolve, reject) => {
        const stop = (e: Error) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          deliver = undefined;
          void close();
          reject(e);
        };
        const onAbort = () => stop(cancelled());
        const timer = setTimeout(
          () =>
            stop(
              new OidcError(`no answer from the browser within ${Math.round(timeoutMs / 60_000)} minutes`, {
                hint: 'run the login again and finish it in the browser; on a machine without one, `cluster login --oidc --device`',
                kind: 'timeout',
              }),
            ),
          timeoutMs,
        );
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        deliver = (req, res) => {
          const url = new URL(req.url ?? '/', `http://127.0.0.1:${actual}`);
          if (url.searchParams.get('state') !== state) {
            res.writeHead(400, HEADERS).end(page(false, 'This answer does not belong to the login in progress.'));
            return;
          }
          deliver = undefined;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          let answered = false;
          resolve({
            url,
            finish(ok, text) {
              if (answered) return;
              answered = true;
              res.writeHead(ok ? 200 : 400, HEADERS).end(page(ok, text));
            },
          });
        };
      });
    },
  };
}
