import { describe, expect, it } from 'vitest';
import type { ConfigData } from '../../src/config/profiles.js';
import { fleetChoice, fleetExit, fleetInputs, fleetNames } from '../../src/domain/fleet.js';
import type { ClusterVerdict, Verdict } from '../../src/domain/verdict.js';
import { CliError, EXIT } from '../../src/errors.js';
import { usage } from './fixtures.js';

/** The flags as parsed, then looked up in the config, as `status` does. */
const fleetProfiles = (flags: { allProfiles?: boolean; profiles?: string }, config: ConfigData) =>
  fleetNames(fleetChoice(flags)!, config);

const config: ConfigData = {
  current: 'prod',
  profiles: {
    prod: { host: 'https://prod.example.com', auth: { kind: 'apikey', apiKey: 'apikey:p' } },
    dev: { host: 'http://127.0.0.1:8080', auth: { kind: 'none' } },
    stage: { host: 'https://stage.example.com', auth: { kind: 'none' } },
  },
};

describe('fleetProfiles', () => {
  it('--all-profiles: every stored profile, sorted', () => {
    expect(fleetProfiles({ allProfiles: true }, config)).toEqual(['dev', 'prod', 'stage']);
    expect(fleetProfiles({ allProfiles: true }, { profiles: {} })).toEqual([]);
  });

  it('-p: in the order given, duplicates and blanks dropped', () => {
    expect(fleetProfiles({ profiles: 'stage, prod,,stage' }, config)).toEqual(['stage', 'prod']);
  });

  it('unknown names: an error (exit 1, as for --profile) listing the known ones', () => {
    let e: CliError | undefined;
    try {
      fleetProfiles({ profiles: 'prod,qa,constructor' }, config);
    } catch (err) {
      e = err as CliError;
    }
    expect(e).toBeInstanceOf(CliError);
    expect(e!.exitCode).toBe(EXIT.FAILURE);
    expect(e!.message).toBe('unknown profiles: qa, constructor');
    expect(e!.hint).toBe('known profiles: dev, prod, stage');
    expect(() => fleetProfiles({ profiles: 'prod,stgae' }, config)).toThrow(
      expect.objectContaining({ hint: 'did you mean stage? known profiles: dev, prod, stage' }),
    );
    expect(usage(() => fleetProfiles({ profiles: ' , ' }, config)).message).toMatch(/at least one profile/);
    expect(usage(() => fleetProfiles({ allProfiles: true, profiles: 'prod' }, config)).message).toMatch(/not both/);
  });
});

describe('fleetInputs', () => {
  it('refuses flags that would override every row', () => {
    for (const [flags, name] of [
      [{ host: 'http://x' }, '--host'],
      [{ tenant: 't' }, '--tenant'],
      [{ insecure: true }, '--insecure'],
      [{ caCert: 'ca.pem' }, '--ca-cert'],
      [{ profile: 'prod' }, '--profile'],
    ] as const) {
      expect(usage(() => fleetInputs(flags, {}, 'prod')).message).toMatch(new RegExp(`^${name} cannot be combined`));
    }
  });

  it('keeps timeout and retries, drops host and credential variables, selects the profile', () => {
    const env = {
      FELDERA_HOST: 'http://evil',
      FELDERA_API_KEY: 'apikey:x',
      FELDERA_AUTH_TOKEN_COMMAND: 'x',
      FELDERA_TENANT: 't',
      CLUSTER_PROFILE: 'dev',
      FELDERA_REQUEST_TIMEOUT: '2',
      HOME: '/h',
    };
    const out = fleetInputs({ requestTimeout: '3', retries: '0', verbose: true, insecure: false }, env, 'stage');
    expect(out.flags).toEqual({ requestTimeout: '3', retries: '0', verbose: true, profile: 'stage' });
    expect(out.env).toEqual({ FELDERA_REQUEST_TIMEOUT: '2', HOME: '/h' });
    expect(env.FELDERA_HOST).toBe('http://evil'); // the caller's env is untouched
  });
});

describe('fleetExit', () => {
  const row = (verdict: Verdict) => ({ verdict: { verdict } as ClusterVerdict });
  it.each<[Verdict[], number]>([
    [[], 0],
    [['healthy', 'healthy'], 0],
    [['healthy', 'starting'], 2],
    [['healthy', 'unhealthy'], 2],
    [['unhealthy', 'stale', 'healthy'], 3],
    [['stale', 'unreachable', 'unhealthy'], 1],
  ])('%j → %i (1 before 3 before 2)', (verdicts, want) => {
    expect(fleetExit(verdicts.map(row))).toBe(want);
  });
});
