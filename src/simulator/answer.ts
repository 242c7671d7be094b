/**
 * What a route answers, and how it goes on the wire: actix-web's headers, with `Date` taken
 * from the simulated clock so a client's notion of server time moves with the simulation.
 */
import type { ServerResponse } from 'node:http';

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** JSON value, a plain-text string (with `text`), or nothing. */
  json?: unknown;
  text?: string;
}

/** The framework's answer for a path or method no route takes: bodyless. */
export const notFound: Answer = { status: 404 };

/** Feldera marks the cluster event routes uncacheable. */
export const NO_CACHE = { 'cache-control': 'no-cache' };

export const ok = (json: unknown, headers?: Record<string, string>): Answer => ({ status: 200, headers, json });

function encodeBody(answer: Answer): { body?: Buffer; contentType?: string } {
  if (answer.text !== undefined)
    return { body: Buffer.from(answer.text, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  if (answer.json !== undefined)
    return { body: Buffer.from(JSON.stringify(answer.json), 'utf8'), contentType: 'application/json' };
  return {};
}

/** Writes the answer as of simulated `nowMs`; returns the body's length in bytes. */
export function writeAnswer(res: ServerResponse, answer: Answer, nowMs: number): number {
  const { body, contentType } = encodeBody(answer);
  const headers: Record<string, string> = { date: new Date(nowMs).toUTCString(), ...answer.headers };
  if (contentType !== undefined) headers['content-type'] = contentType;
  headers['content-length'] = String(body?.length ?? 0);
  res.writeHead(answer.status, headers);
  res.end(body);
  return body?.length ?? 0;
}
