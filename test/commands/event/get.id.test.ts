import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.js';
import type { ClusterEvent } from '../../../src/api/types.js';
import { matchPrefix, parseEventId } from '../../../src/domain/event-id.js';
import { CliError, EXIT } from '../../../src/errors.js';
import { resolveEvent } from '../../../src/queries/event-lookup.js';

const ID = '019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f';

function usage(text: string): CliError {
  try {
    parseEventId(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.USAGE);
    return e as CliError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('parseEventId', () => {
  it('latest, in any case', () => {
    expect(parseEventId('latest')).toEqual({ kind: 'latest' });
    expect(parseEventId(' LATEST ')).toEqual({ kind: 'latest' });
  });

  it('a full UUID, hyphenated or not, any case, becomes canonical', () => {
    expect(parseEventId(ID)).toEqual({ kind: 'uuid', id: ID });
    expect(parseEventId(ID.toUpperCase())).toEqual({ kind: 'uuid', id: ID });
    expect(parseEventId(ID.replace(/-/g, ''))).toEqual({ kind: 'uuid', id: ID });
  });

  it('a prefix of 8 or more hex characters, with dashes where the UUID has them', () => {
    expect(parseEventId('019af3a1')).toEqual({ kind: 'prefix', hex: '019af3a1', text: '019af3a1' });
    expect(parseEventId('019AF3A1-59')).toEqual({ kind: 'prefix', hex: '019af3a159', text: '019AF3A1-59' });
    expect(parseEventId('019af3a1-')).toEqual({ kind: 'prefix', hex: '019af3a1', text: '019af3a1-' });
    expect(parseEventId('019af3a159cf7e2b')).toEqual({
      kind: 'prefix',
      hex: '019af3a159cf7e2b',
      text: '019af3a159cf7e2b',
    });
    expect(parseEventId(ID.slice(0, 35))).toMatchObject({ kind: 'prefix', hex: ID.replace(/-/g, '').slice(0, 31) });
  });

  it('too short: a usage error saying how many characters are needed', () => {
    expect(usage('019af3a').message).toBe('event id prefix "019af3a" is too short: give at least 8 hex characters');
    expect(usage('019a-').message).toMatch(/dash at position 5/);
    expect(usage('').message).toBe('missing event id');
  });

  it('not hex, dashes in the wrong place, too long: usage errors that say why, with a hint', () => {
    const e = usage('yesterday');
    expect(e.message).toBe('invalid event id "yesterday": "y" at position 1 is not a hex digit');
    expect(e.hint).toMatch(/latest/);
    expect(usage('019af3a1x').message).toMatch(/"x" at position 9/);
    expect(usage('019a-f3a1').message).toMatch(/a dash at position 5 is not where a UUID has one/);
    expect(usage('019af3a1-59cf7e2b').message).toMatch(/expected a dash at position 14/);
    expect(usage(`${ID}0`).message).toMatch(/longer than a UUID/);
    expect(usage(`${ID.replace(/-/g, '')}ab`).message).toMatch(/longer than a UUID/);
    expect(usage(`{${ID}}`).message).toMatch(/not a hex digit/);
  });

  it('shows hostile input as printable text', () => {
    const e = usage('\u001b[31m019af3a1\u0007');
    expect(e.message).toContain('\\u001b[31m019af3a1\\u0007');
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('accepts every prefix (8+ hex) of a UUID text and rejects every shorter one (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 36 }), fc.boolean(), (uuid, n, dashes) => {
        const text = dashes ? uuid.slice(0, n) : uuid.replace(/-/g, '').slice(0, n);
        const hex = text.replace(/-/g, '');
        if (hex.length < 8) {
          expect(() => parseEventId(text)).toThrow(CliError);
          return;
        }
        const spec = parseEventId(text);
        if (hex.length === 32) expect(spec).toEqual({ kind: 'uuid', id: uuid.toLowerCase() });
        else expect(spec).toEqual({ kind: 'prefix', hex: hex.toLowerCase(), text });
        expect(matchPrefix([{ id: uuid }], hex)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('resolveEvent', () => {
  const resolveEventId = async (...a: Parameters<typeof resolveEvent>) => (await resolveEvent(...a)).id;
  const ev = (id: string, recorded_at: string): ClusterEvent => ({
    id,
    recorded_at,
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
  });
  const list = [
    ev('019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f', '2025-12-08T14:03:06.655736Z'),
    ev('019af3a1-0000-7e2b-9c3d-0a1b2c3d4e5f', '2025-12-08T14:02:06.100000Z'),
    ev('0193ffff-0000-7e2b-9c3d-0a1b2c3d4e5f', '2025-12-07T10:00:00.000001Z'),
  ];
  let calls = 0;
  const client = {
    listEvents: async () => {
      calls++;
      return { data: list, status: 200, serverDate: undefined, bytes: 0 };
    },
  };

  it('latest and full ids need no request', async () => {
    calls = 0;
    expect(await resolveEventId(client, parseEventId('latest'))).toBe('latest');
    expect(await resolveEventId(client, parseEventId(ID))).toBe(ID);
    expect(calls).toBe(0);
  });

  it("a resolved prefix hands back the list entry and the list answer's Date", async () => {
    expect(await resolveEvent(client, parseEventId('latest'))).toEqual({ id: 'latest' });
    const r = await resolveEvent(client, parseEventId('0193ffff'));
    expect(r.listed).toBe(list[2]);
    expect(r.id).toBe(list[2]!.id);
  });

  it('a list the client cut to its newest events is said through warn; an uncut one says nothing', async () => {
    const said: string[] = [];
    const cut = {
      listEvents: async () => ({ data: list, status: 200, serverDate: undefined, bytes: 0, omitted: 69_000 }),
    };
    expect(await resolveEventId(cut, parseEventId('0193ffff'), { warn: (m) => said.push(m) })).toBe(list[2]!.id);
    expect(said).toEqual([
      'the server sent 69,003 events, and Feldera keeps at most 1,000: only the newest 2,000 are used',
    ]);
    await resolveEventId(client, parseEventId('0193ffff'), { warn: (m) => said.push(m) });
    expect(said).toHaveLength(1);
  });

  it('a unique prefix resolves to its event', async () => {
    expect(await resolveEventId(client, parseEventId('0193ffff'))).toBe('0193ffff-0000-7e2b-9c3d-0a1b2c3d4e5f');
    expect(await resolveEventId(client, parseEventId('019AF3A1-59'))).toBe('019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f');
  });

  it('an ambiguous prefix lists the candidates with their times', async () => {
    const e = await resolveEventId(client, parseEventId('019af3a1'), { formatTime: (t) => `<${t}>` }).catch((x) => x);
    expect(e).toBeInstanceOf(CliError);
    expect(e.kind).toBe('ambiguous-id');
    expect(e.exitCode).toBe(EXIT.FAILURE);
    expect(e.message).toBe(
      [
        'event id prefix 019af3a1 is ambiguous: 2 events match',
        '  019af3a1-59cf-7e2b-9c3d-0a1b2c3d4e5f  <2025-12-08T14:03:06.655736Z>  healthy',
        '  019af3a1-0000-7e2b-9c3d-0a1b2c3d4e5f  <2025-12-08T14:02:06.100000Z>  healthy',
      ].join('\n'),
    );
    expect(e.hint).toBe('give more characters of the id');
    const capped = await resolveEventId(client, parseEventId('019af3a1'), { maxCandidates: 1 }).catch((x) => x);
    expect(capped.message.split('\n').at(-1)).toBe('  … and 1 more');
  });

  it('no match: an unknown-event error that mentions retention', async () => {
    const e = await resolveEventId(client, parseEventId('deadbeef')).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.apiKind).toBe('unknown-event');
    expect(e.message).toBe('no retained event id starts with deadbeef');
    expect(e.hint).toMatch(/72 h and at most the 1000 newest/);
  });
});
