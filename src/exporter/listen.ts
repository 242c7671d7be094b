/** `--listen` of the exporter, parsed on the command line (no network module loaded for that). */
import { usageError } from '../errors.js';

/** Where to listen: `host` undefined means every interface (`--listen :9464`). */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:9464';

/** `127.0.0.1:9464`, `localhost:9464`, `[::1]:9464`, `:9464` (every interface); port 0 picks a free one. */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw usageError(
      `invalid --listen "${text}": expected HOST:PORT (127.0.0.1:9464, [::1]:9464) or :PORT for every interface`,
    );
  }
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}
