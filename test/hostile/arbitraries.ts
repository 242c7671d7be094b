/**
 * Hostile answers, as fast-check arbitraries: near-valid Feldera objects with poisoned strings
 * (escape sequences, control characters, bidi overrides, the credential reflected, very long
 * words), wrong shapes, deep nesting, value bombs, HTML pages, garbage, redirects, any status,
 * odd headers, and now and then a body that never ends.
 */
import fc from 'fast-check';
import { type Answer, type Endpoint, EVENT_ID, REFLECT } from './server.js';

const NASTY = [
  '\u001b[2J\u001b[H',
  '\u001b]0;owned\u0007',
  '\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\',
  '\u009b31m',
  '\u202eexe.txt\u202c',
  '\r\n\t',
  '\u0000\u0007\u0008\u007f',
  '\u2028\u2029',
  '\ud800',
  '😀編',
  REFLECT,
  `Bearer ${REFLECT}`,
  '"',
  '\\',
  '<title>',
];

function strings(pieces: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 8 })
        .map((a) => a.join('')),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('x', 'ab ', '\u001b[1m', 'é'), fc.integer({ min: 100, max: 20_000 }))
        .map(([s, n]) => s.repeat(n)),
    },
  );
}

/** A string a server should never send a terminal. */
export const hostileString: fc.Arbitrary<string> = strings(NASTY.filter((p) => !p.includes(REFLECT)));
/**
 * The same, with the credential the request carried now and then: for every place a server's text
 * reaches an error, a trace or a header. (Where a valid answer's own data carries it, the tool
 * prints what the server sent: see the data-echo case in fuzz.test.ts.)
 */
export const reflectingString: fc.Arbitrary<string> = strings(NASTY);

const status = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('Healthy', 'Unhealthy', 'InitialUnhealthy') },
  { weight: 1, arbitrary: fc.oneof(hostileString, fc.constant(null), fc.integer()) },
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const maybe = <T>(a: fc.Arbitrary<T>, good: T) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(good) },
    { weight: 1, arbitrary: a as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

// A broken id or time is quoted in the shape error: the credential may be in it.
const uuid = fc.oneof(
  { weight: 4, arbitrary: fc.uuid({ version: 7 }) },
  { weight: 1, arbitrary: fc.constant(EVENT_ID.toUpperCase()) },
  { weight: 1, arbitrary: reflectingString },
);
const timestamp = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .date({ min: new Date('2025-12-01T00:00:00Z'), max: new Date('2025-12-08T14:10:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace('Z', '123Z')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2025-12-08T14:05:03Z',
      '2025-02-30T00:00:00Z',
      '9999-12-31T23:59:59.999999Z',
      '1970-01-01T00:00:00+14:00',
    ),
  },
  { weight: 1, arbitrary: reflectingString },
);

/** A near-event: every field as Feldera sends it, or broken; info texts poisoned; extra fields. */
export const hostileEvent = fc
  .record({
    id: maybe(uuid, EVENT_ID),
    recorded_at: maybe(timestamp, '2025-12-08T14:05:03.645735Z'),
    all_healthy: maybe(anyValue, true),
    api_status: status,
    compiler_status: status,
    runner_status: status,
    api_self_info: fc.option(hostileString),
    compiler_self_info: fc.option(hostileString),
    runner_resources_info: fc.option(fc.oneof(hostileString, fc.integer() as fc.Arbitrary<unknown>)),
    extra: fc.option(anyValue),
  })
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)));

const health = fc.record({
  all_healthy: maybe(anyValue, false),
  api: fc.record({
    healthy: maybe(anyValue, true),
    message: hostileString,
    unchanged_since: timestamp,
    checked_at: timestamp,
  }),
  compiler: maybe(anyValue, {
    healthy: false,
    message: 'down',
    unchanged_since: '2025-12-08T14:05:03Z',
    checked_at: '2025-12-08T14:05:03Z',
  }),
  runner: fc.record({
    healthy: fc.boolean(),
    message: hostileString,
    unchanged_since: timestamp,
    checked_at: timestamp,
  }),
});

const shapes: Record<Endpoint, fc.Arbitrary<unknown>> = {
  latest: hostileEvent,
  'latest-all': hostileEvent,
  list: fc.array(hostileEvent, { maxLength: 6 }),
  healthz: health,
  config: fc.record({
    edition: maybe(anyValue, 'Enterprise'),
    version: maybe(anyValue, '0.337.0'),
    revision: fc.option(anyValue),
  }),
  session: fc.record({
    tenant_id: fc.option(anyValue),
    tenant_name: fc.option(anyValue),
    role: maybe(anyValue, 'read'),
    memberships: maybe(anyValue, []),
  }),
  authentication: fc.oneof(
    fc.constant({}),
    fc.record({ GenericOidc: maybe(anyValue, { issuer: 'x', client_id: 'y' }) }),
    fc.dictionary(hostileString, anyValue, { maxKeys: 3 }),
  ),
};

const feldraError = fc.record({
  message: reflectingString,
  error_code: fc.oneof(
    fc.constantFrom('UnknownClusterMonitorEvent', 'NoClusterMonitorEventsAvailable', 'AuthenticationFailed'),
    reflectingString,
  ),
  details: fc.option(anyValue),
});

function body(endpoint: Endpoint): fc.Arbitrary<string | { endless: true }> {
  return fc.oneof(
    { weight: 8, arbitrary: shapes[endpoint].map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: feldraError.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 50, max: 5_000 })
        .map((n) => `{"id":"${EVENT_ID}","x":${'['.repeat(n)}${']'.repeat(n)}}`),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }).map((n) => `[${'{},'.repeat(n)}{}]`) },
    {
      weight: 1,
      arbitrary: reflectingString.map((t) => `<html><head><title>${t}</title></head><body><h1>${t}</h1></body></html>`),
    },
    { weight: 1, arbitrary: reflectingString },
    { weight: 1, arbitrary: shapes[endpoint].map((v) => (JSON.stringify(v) ?? '').slice(0, 20)) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant({ endless: true as const }) },
  );
}

/** Header values Node will send: printable ASCII (the credential may be reflected in them). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom(`http://evil.example/steal?t=${REFLECT}`, REFLECT),
);

const statusCode = fc.oneof(
  { weight: 160, arbitrary: fc.constant(200) },
  { weight: 80, arbitrary: fc.constantFrom(301, 302, 307, 400, 401, 403, 404, 408, 429, 500, 501, 502, 503, 504) },
  { weight: 20, arbitrary: fc.integer({ min: 200, max: 599 }) },
  // A 1xx head is informational: the client waits for a final answer that never comes, until its
  // timeout. Rare, so the run stays fast.
  { weight: 1, arbitrary: fc.integer({ min: 102, max: 199 }) },
);

export function hostileAnswer(endpoint: Endpoint): fc.Arbitrary<Answer> {
  return fc.record({
    status: statusCode,
    headers: fc
      .record({
        'content-type': fc.option(
          fc.constantFrom('application/json', 'text/html; charset=utf-8', 'text/plain', 'application/octet-stream'),
        ),
        date: fc.option(
          fc.oneof(
            fc.constant('Mon, 08 Dec 2025 14:10:00 GMT'),
            fc.constant('Thu, 01 Jan 1970 00:00:00 GMT'),
            headerValue,
          ),
        ),
        location: fc.option(headerValue),
        'retry-after': fc.option(
          fc.oneof(fc.constantFrom('0', '1', '99999999', 'Wed, 21 Oct 2065 07:28:00 GMT'), headerValue),
        ),
        'www-authenticate': fc.option(headerValue),
      })
      .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => typeof e[1] === 'string'))),
    body: body(endpoint),
  });
}
