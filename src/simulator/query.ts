/**
 * Request-target decoding as actix-web and serde_urlencoded do it, down to their error texts,
 * since a client's handling of a bad query or id is part of what the simulator lets one test.
 */

/** Percent-decoding as the framework does it: invalid escapes stay, invalid UTF-8 becomes U+FFFD. */
export function percentDecode(s: string, plusIsSpace: boolean): string {
  const src = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  if (!src.includes('%')) return src;
  const bytes: number[] = [];
  const raw = Buffer.from(src, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25 && i + 2 < raw.length && /^[0-9a-fA-F]{2}$/.test(raw.subarray(i + 1, i + 3).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `web::Query<GetClusterEventParameters>` (serde_urlencoded): the selector, or the error text. */
export function parseSelectorQuery(query: string): { selector: 'status' | 'all' } | { error: string } {
  let selector: string | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = percentDecode(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1), true);
    if (key !== 'selector') continue;
    if (selector !== undefined) return { error: 'Query deserialize error: duplicate field `selector`' };
    selector = value;
  }
  if (selector === undefined) return { selector: 'status' };
  if (selector === 'status' || selector === 'all') return { selector };
  return { error: `Query deserialize error: unknown variant \`${selector}\`, expected \`all\` or \`status\`` };
}

/** Splits a request target at the first `?`. */
export function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}
