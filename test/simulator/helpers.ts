/** Shared helpers for the simulator tests: a keep-alive HTTP client and the OpenAPI validator. */
import { readFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed body when it is JSON. */
  json: unknown;
  reusedSocket: boolean;
}

/** A tiny client over node:http with one keep-alive connection, like a watcher. */
export function httpClient(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call = (path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${baseUrl}${path}`,
        { agent, method: init.method ?? 'GET', headers: init.headers ?? {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            if (String(res.headers['content-type'] ?? '').startsWith('application/json')) json = JSON.parse(text);
            resolve({ status: res.statusCode!, headers: res.headers, text, json, reusedSocket: req.reusedSocket });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  return { get: call, close: () => agent.destroy() };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes `anyOf [schema, null]`; refs point at `$defs`. */
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  let nullable = false;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') nullable = v === true;
    else if (k === 'example') continue;
    else if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', '#/$defs/');
    else out[k] = convert(v);
  }
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Validators for the schemas copied into test/fixtures (Feldera v0.337.0). */
export function felderaSchemas() {
  const doc = JSON.parse(readFileSync(new URL('../fixtures/feldera-openapi-cluster.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'feldera', $defs: convert(doc.components.schemas) } as object);
  const cache = new Map<string, ValidateFunction>();
  const validator = (name: string): ValidateFunction => {
    let v = cache.get(name);
    if (!v) {
      v = ajv.getSchema(`feldera#/$defs/${name}`);
      if (!v) throw new Error(`no schema ${name}`);
      cache.set(name, v);
    }
    return v;
  };
  return {
    /** Errors as text, or '' when the value is valid. */
    check(name: string, value: unknown): string {
      const v = validator(name);
      return v(value) ? '' : ajv.errorsText(v.errors);
    },
    /** A list of `name` items. */
    checkList(name: string, value: unknown): string {
      if (!Array.isArray(value)) return 'not an array';
      for (const [i, item] of value.entries()) {
        const e = this.check(name, item);
        if (e) return `[${i}] ${e}`;
      }
      return '';
    },
  };
}

export const T0 = Date.UTC(2025, 11, 8, 14, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** A UTF-16 surrogate without its pair (a string Rust could not have produced). */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
