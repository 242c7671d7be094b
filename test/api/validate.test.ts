/**
 * The shape checks of every answer, message by message: what a user sees for a broken answer
 * (`invalid answer from …: <message>`), and what passes through untouched.
 */
import { describe, expect, it } from 'vitest';
import {
  authProviderOf,
  checkAuthConfig,
  checkEvent,
  checkEventList,
  checkHealth,
  checkPlatformConfig,
  checkSession,
  ShapeError,
} from '../../src/api/validate.js';

const EVENT = {
  id: '01938f2c-7a4b-7c3d-8e5f-0123456789ab',
  recorded_at: '2025-12-08T14:03:06.655736Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
};
const SVC = {
  healthy: true,
  message: 'ok',
  unchanged_since: '2025-12-08T14:03:06Z',
  checked_at: '2025-12-08T14:03:06.655Z',
};
const HEALTH = { all_healthy: true, api: SVC, compiler: SVC, runner: SVC };
const STATUSES = 'expected one of Healthy, Unhealthy, InitialUnhealthy';

function messageOf(check: (v: unknown) => unknown, v: unknown): string {
  try {
    check(v);
  } catch (e) {
    if (e instanceof ShapeError) return e.message;
    throw e;
  }
  return 'accepted';
}

describe('the event', () => {
  it.each([
    [null, 'the event is null, expected an object'],
    [[], 'the event is an array, expected an object'],
    ['x', 'the event is "x", expected an object'],
    [3, 'the event is number 3, expected an object'],
    [{ ...EVENT, id: undefined }, 'the event has no "id"'],
    [{ ...EVENT, id: 7 }, 'the event."id" is number 7, expected a string'],
    [{ ...EVENT, id: 'not-a-uuid' }, 'the event."id" is "not-a-uuid", expected a UUID'],
    [{ ...EVENT, id: 'x'.repeat(60) }, `the event."id" is "${'x'.repeat(40)}", expected a UUID`],
    [{ ...EVENT, recorded_at: undefined }, 'the event has no "recorded_at"'],
    [{ ...EVENT, recorded_at: 'yesterday' }, 'the event."recorded_at" is "yesterday", expected an RFC 3339 date-time'],
    [
      { ...EVENT, recorded_at: '2025-13-45T99:99:99Z' },
      'the event."recorded_at" is "2025-13-45T99:99:99Z", expected an RFC 3339 date-time',
    ],
    [{ ...EVENT, recorded_at: false }, 'the event."recorded_at" is boolean false, expected a string'],
    [{ ...EVENT, all_healthy: 'yes' }, 'the event."all_healthy" is "yes", expected true or false'],
    [{ ...EVENT, all_healthy: null }, 'the event."all_healthy" is null, expected true or false'],
    [{ ...EVENT, all_healthy: undefined }, 'the event has no "all_healthy"'],
    [{ ...EVENT, api_status: 'Sleepy' }, `the event."api_status" is "Sleepy", ${STATUSES}`],
    [{ ...EVENT, compiler_status: undefined }, 'the event has no "compiler_status"'],
    [{ ...EVENT, runner_status: 1 }, `the event."runner_status" is number 1, ${STATUSES}`],
    [{ ...EVENT, runner_status: 'y'.repeat(50) }, `the event."runner_status" is a string, ${STATUSES}`],
    [{ ...EVENT, api_self_info: 5 }, 'the event."api_self_info" is number 5, expected a string or null'],
    [
      { ...EVENT, runner_resources_info: {} },
      'the event."runner_resources_info" is an object, expected a string or null',
    ],
    // The first problem is the one reported, in the order of the fields.
    [{ ...EVENT, id: 'bad', all_healthy: 'bad' }, 'the event."id" is "bad", expected a UUID'],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkEvent, v)).toBe(message);
  });

  it('is returned as it arrived: the same object, extra fields kept, null and 9-digit values untouched', () => {
    const full = {
      ...EVENT,
      recorded_at: '2025-12-08T14:03:06.655736123Z',
      api_self_info: null,
      compiler_self_info: 'Healthy: …',
      extra: { nested: [1, 2] },
    };
    const copy = structuredClone(full);
    expect(checkEvent(full)).toBe(full);
    expect(full).toEqual(copy);
  });

  it('accepts any UUID version, and times with 0, 3, 6 or 9 fraction digits or an offset', () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D'])
      expect(messageOf(checkEvent, { ...EVENT, id })).toBe('accepted');
    for (const recorded_at of ['2025-12-08T14:03:06Z', '2025-12-08T14:03:06.655Z', '2025-12-08 14:03:06+01:00'])
      expect(messageOf(checkEvent, { ...EVENT, recorded_at })).toBe('accepted');
  });

  it('accepts an all_healthy that disagrees with the statuses (the spec allows it)', () => {
    expect(messageOf(checkEvent, { ...EVENT, all_healthy: false })).toBe('accepted');
  });
});

describe('the event list', () => {
  it.each([
    [{}, 'the event list is an object, expected an array'],
    [[EVENT, { ...EVENT, id: 'nope' }], 'event [1]."id" is "nope", expected a UUID'],
    [[EVENT, null], 'event [1] is null, expected an object'],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkEventList, v)).toBe(message);
  });

  it('is returned as it arrived, not copied', () => {
    const list = [EVENT, { ...EVENT, extra: 1 }];
    expect(checkEventList(list)).toBe(list);
    expect(checkEventList([])).toEqual([]);
  });
});

describe('the health status', () => {
  it.each([
    [[], 'the health status is an array, expected an object'],
    [{ ...HEALTH, all_healthy: 'no' }, 'the health status."all_healthy" is "no", expected true or false'],
    [{ ...HEALTH, api: undefined }, 'the health status has no "api"'],
    [{ all_healthy: true, compiler: SVC, runner: SVC }, 'the health status has no "api"'],
    [{ ...HEALTH, runner: 'up' }, 'the health status."runner" is "up", expected an object'],
    [
      { ...HEALTH, runner: { ...SVC, healthy: 1 } },
      'the health status."runner"."healthy" is number 1, expected true or false',
    ],
    [{ ...HEALTH, runner: { ...SVC, message: undefined } }, 'the health status."runner" has no "message"'],
    [
      { ...HEALTH, runner: { ...SVC, checked_at: 'now' } },
      'the health status."runner"."checked_at" is "now", expected an RFC 3339 date-time',
    ],
    [
      { ...HEALTH, compiler: { ...SVC, unchanged_since: null } },
      'the health status."compiler"."unchanged_since" is null, expected a string',
    ],
    // Without `all_healthy` and `api`, it is the v0.121–v0.200 shape: runner and compiler only.
    [{ runner: SVC }, 'the health status has no "compiler"'],
    [
      { runner: SVC, compiler: { ...SVC, healthy: 'x' } },
      'the health status."compiler"."healthy" is "x", expected true or false',
    ],
    [{}, 'the health status has no "runner"'],
    [{ api: SVC, compiler: SVC, runner: SVC }, 'the health status has no "all_healthy"'],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkHealth, v)).toBe(message);
  });

  it("today's shape and the v0.121–v0.200 one are returned as they arrived", () => {
    const today = { ...HEALTH, extra: true };
    expect(checkHealth(today)).toBe(today);
    const legacy = { runner: SVC, compiler: { ...SVC, healthy: false } };
    expect(checkHealth(legacy)).toBe(legacy);
    expect('all_healthy' in checkHealth(legacy)).toBe(false);
  });
});

describe('the platform configuration', () => {
  it.each([
    [null, 'the platform configuration is null, expected an object'],
    [{ version: '1' }, 'the platform configuration has no "edition"'],
    [{ edition: 'x', version: 3 }, 'the platform configuration."version" is number 3, expected a string'],
    [
      { edition: 'x', version: '1', revision: 5 },
      'the platform configuration."revision" is number 5, expected a string',
    ],
    [
      { edition: 'x', version: '1', revision: null },
      'the platform configuration."revision" is null, expected a string',
    ],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkPlatformConfig, v)).toBe(message);
  });

  it('passes other fields through, and needs no revision', () => {
    const c = { edition: 'Enterprise', version: '0.337.0', changelog_url: 'https://…', telemetry: 'x' };
    expect(checkPlatformConfig(c)).toBe(c);
  });
});

describe('the session', () => {
  it.each([
    ['x', 'the session is "x", expected an object'],
    [{ memberships: 'x' }, 'the session."memberships" is "x", expected an array'],
    [{ memberships: [5] }, 'the session.memberships[0] is number 5, expected an object'],
    [{ memberships: [{ tenant_id: 't', name: 'n' }] }, 'the session.memberships[0] has no "role"'],
    [
      { memberships: [{ tenant_id: 't', name: 2, role: 'read' }] },
      'the session.memberships[0]."name" is number 2, expected a string',
    ],
    [{ memberships: [], tenant_id: 5 }, 'the session."tenant_id" is number 5, expected a string or null'],
    [{ memberships: [], tenant_name: [] }, 'the session."tenant_name" is an array, expected a string or null'],
    [
      { memberships: [], role: 'boss' },
      'the session."role" is "boss", expected one of read, write, admin, owner or null',
    ],
    [{ memberships: [], role: 3 }, 'the session."role" is number 3, expected one of read, write, admin, owner or null'],
    // Neither today's shape (memberships) nor the one before v0.330 ({tenant_id, tenant_name}).
    [{}, 'the session has no "memberships"'],
    [{ version: '0.337.0', edition: 'Enterprise' }, 'the session has no "memberships"'],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkSession, v)).toBe(message);
  });

  it('Feldera before v0.330 sends no memberships: accepted, as it arrived', () => {
    const old = { tenant_id: '6f1c0000-0000-4000-8000-000000000000', tenant_name: 'acme' };
    expect(checkSession(old)).toBe(old);
    expect(checkSession(old).memberships).toBeUndefined();
  });

  it('is returned as it arrived', () => {
    const s = {
      tenant_id: 'a',
      tenant_name: 'b',
      role: null,
      memberships: [{ tenant_id: 'a', name: 'b', role: 'owner' }],
      x: 1,
    };
    expect(checkSession(s)).toBe(s);
  });
});

describe('the authentication configuration', () => {
  it.each([
    [[], 'the authentication configuration is an array, expected an object'],
    [{ GenericOidc: 'x' }, 'the authentication configuration."GenericOidc" is "x", expected an object'],
    [{ AwsCognito: null }, 'the authentication configuration."AwsCognito" is null, expected an object'],
  ])('%j: %s', (v, message) => {
    expect(messageOf(checkAuthConfig, v)).toBe(message);
  });

  it('auth off ({}) and each provider pass, as they arrived', () => {
    const oidc = { GenericOidc: { issuer: 'https://i', client_id: 'c', extra_oidc_scopes: [] } };
    expect(checkAuthConfig(oidc)).toBe(oidc);
    expect(authProviderOf(checkAuthConfig({}))).toBeUndefined();
    expect(authProviderOf(oidc)).toBe('GenericOidc');
    expect(authProviderOf(checkAuthConfig({ AwsCognito: { issuer: 'i' } }))).toBe('AwsCognito');
    expect(authProviderOf(checkAuthConfig({ SomethingNew: 1 }))).toBe('SomethingNew');
    expect(authProviderOf(checkAuthConfig({ SomethingNew: 1, GenericOidc: {} }))).toBe('GenericOidc');
  });
});
