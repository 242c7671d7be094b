/**
 * Which URLs `/probe?target=URL` may read (`--allow-target`) and which credential goes with them
 * (`--target-credentials`): patterns, and the one way a target URL is read.
 *
 * The exporter must never be an open proxy, and a credential must only ever go to the host it
 * belongs to. So a target URL is parsed once, by the WHATWG URL parser (the same one the client
 * sends with), refused when anything in it is ambiguous — a user or password (`https://good@evil`),
 * a query or fragment, a backslash, an `@` anywhere, a host name ending in a dot, a scheme other
 * than http and https — and matched in its parsed form: lower case, IDN as punycode (a look-alike
 * `fеldera` with a Cyrillic е is `xn--fldera-3of`, which no ASCII pattern matches), numeric hosts
 * as dotted addresses (`2130706433` is `127.0.0.1`), the default port dropped. The request goes to
 * exactly that parsed URL, and the client follows no redirect.
 *
 * Patterns:
 * - a host glob: `feldera.example.com`, `*.feldera.example.com`, `feldera-*.example.com`,
 *   `10.0.0.*`, with `:PORT` or `:*` for other ports than the scheme's default. `*` stands for one
 *   or more characters within one label: never a dot, so `*.example.com` does not cover
 *   `a.b.example.com` and nothing covers `example.com.evil.net`. http and https both match;
 *   a credential still travels over https only (or to loopback), as everywhere in this tool.
 * - a URL prefix: `https://feldera-7.example.com`, `https://gw.example.com/feldera/` — the same
 *   scheme, host and port, and the path equal or below it (`/feldera` does not cover `/feldera2`).
 */
import { usageError } from '../errors.js';

/** A target URL as it is requested: its parsed URL, and the host string the tool's connections use (no trailing slash). */
export interface TargetUrl {
  url: URL;
  host: string;
}

export interface TargetPattern {
  text: string;
  matches(target: URL): boolean;
}

/** The target URL, or why it is refused (one line, safe to show: it does not repeat the target). */
export function parseTargetUrl(text: string): TargetUrl | { refused: string } {
  if (!/^https?:\/\//i.test(text)) return { refused: 'a target URL starts with http:// or https://' };
  if (/[\s\x00-\x1f\x7f\\@]/.test(text))
    return { refused: 'a target URL may not hold spaces, control characters, a backslash or an @' };
  if (/[?#]/.test(text)) return { refused: 'a target URL has no query or fragment' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { refused: 'the target is not a valid URL' };
  }
  if (url.username || url.password) return { refused: 'a target URL carries no user or password' };
  if (url.hostname.endsWith('.')) return { refused: 'a target host name may not end with a dot' };
  if (url.hostname === '') return { refused: 'the target URL has no host' };
  return { url, host: url.href.replace(/\/+$/, '') };
}

/** The path as a prefix that ends with a slash: `/feldera` → `/feldera/`. */
function dirOf(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function urlPattern(text: string): TargetPattern {
  const parsed = parseTargetUrl(text);
  if ('refused' in parsed) throw usageError(`invalid --allow-target "${text}": ${parsed.refused}`);
  const p = parsed.url;
  const prefix = dirOf(p.pathname);
  return {
    text,
    matches: (t) =>
      t.protocol === p.protocol &&
      t.host === p.host &&
      (p.pathname === '/' || t.pathname === p.pathname.replace(/\/$/, '') || dirOf(t.pathname).startsWith(prefix)),
  };
}

const HOST_GLOB = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@\\[\]]+)(?::(\d{1,5}|\*))?$/;

function hostGlob(text: string): TargetPattern {
  const m = HOST_GLOB.exec(text);
  const bad = (why: string) =>
    usageError(
      `invalid --allow-target "${text}": ${why}`,
      'give a host glob (feldera.example.com, *.example.com, *.example.com:8443) or a URL prefix (https://gw.example.com/feldera/)',
    );
  if (!m) throw bad('expected HOST, HOST:PORT or HOST:* (a host glob), or a URL prefix');
  const [, hostText, portText] = m as unknown as [string, string, string | undefined];
  if (hostText.endsWith('.')) throw bad('a host may not end with a dot');
  let hostname: string;
  try {
    // The URL parser lower-cases the host and turns an IDN into punycode, as it does for targets.
    hostname = new URL(`http://${hostText}`).hostname;
  } catch {
    throw bad('not a valid host');
  }
  if (hostname.includes('*') && !/^[a-z0-9*.-]+$/.test(hostname))
    throw bad('* may stand in a host name, not in an address');
  if (/\*\*/.test(hostname)) throw bad('one * per place (it never crosses a dot)');
  const port = portText === undefined || portText === '*' ? portText : Number(portText);
  if (typeof port === 'number' && (port < 1 || port > 65535)) throw bad('the port must be 1–65535');
  const re = new RegExp(`^${hostname.split('*').map(escapeRe).join('[^.]+')}$`);
  return {
    text,
    matches: (t) => {
      if (t.protocol !== 'http:' && t.protocol !== 'https:') return false;
      if (!re.test(t.hostname)) return false;
      if (port === '*') return true;
      // No port in the pattern: the scheme's default only (the parsed URL then has none).
      if (port === undefined) return t.port === '';
      return (t.port === '' ? defaultPort(t) : Number(t.port)) === port;
    },
  };
}

function defaultPort(u: URL): number {
  return u.protocol === 'https:' ? 443 : 80;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern of `--allow-target` or of the credentials file; a usage error when it is not one. */
export function parseTargetPattern(text: string): TargetPattern {
  const t = text.trim();
  if (t === '') throw usageError('invalid --allow-target "": expected a host glob or a URL prefix');
  return t.includes('://') ? urlPattern(t) : hostGlob(t);
}

/** The first pattern that matches, if any. */
export function firstMatch<P extends Pick<TargetPattern, 'matches'>>(
  patterns: readonly P[],
  target: URL,
): P | undefined {
  return patterns.find((p) => p.matches(target));
}
