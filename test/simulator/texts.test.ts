import { describe, expect, it } from 'vitest';
import {
  charCount,
  INFO_MAX_CHARS,
  RESOURCES_DISABLED,
  RESOURCES_NOT_AVAILABLE,
  resourcesInfoText,
  selfInfoText,
  TRUNCATION_SUFFIX,
  truncateInfo,
} from '../../src/simulator/texts.js';
import { LONE_SURROGATE } from './helpers.js';

describe('truncateInfo', () => {
  it('keeps a text of exactly 8192 characters', () => {
    const t = 'a'.repeat(INFO_MAX_CHARS);
    expect(truncateInfo(t)).toBe(t);
  });

  it('cuts 8193 characters to 8192 and adds the suffix', () => {
    const t = `${'a'.repeat(INFO_MAX_CHARS)}b`;
    expect(truncateInfo(t)).toBe(
      `${'a'.repeat(INFO_MAX_CHARS)} (truncated due to exceeding maximum number of characters)`,
    );
  });

  it('counts code points, not UTF-16 units', () => {
    const astral = '🦀'.repeat(INFO_MAX_CHARS); // 16384 UTF-16 units, 8192 characters
    expect(astral.length).toBe(2 * INFO_MAX_CHARS);
    expect(truncateInfo(astral)).toBe(astral);
    const over = `${astral}𝔽`;
    const cut = truncateInfo(over);
    expect(cut).toBe(astral + TRUNCATION_SUFFIX);
    expect(charCount(cut)).toBe(INFO_MAX_CHARS + charCount(TRUNCATION_SUFFIX));
  });

  it('never splits a surrogate pair at the cut', () => {
    const t = `${'x'.repeat(INFO_MAX_CHARS - 1)}😀😀`;
    const cut = truncateInfo(t);
    expect(cut.slice(0, -TRUNCATION_SUFFIX.length)).toBe(`${'x'.repeat(INFO_MAX_CHARS - 1)}😀`);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });
});

describe('info texts in Feldera wording', () => {
  it('healthy', () => {
    expect(selfInfoText('runner', { kind: 'healthy' }, 'community')).toBe(
      'Healthy: The runner service responded successfully to the last health check.',
    );
  });

  it('unreachable names the compiler health URL with check_storage', () => {
    const t = selfInfoText('compiler', { kind: 'unreachable' }, 'community');
    expect(t).toMatch(
      /^Unreachable: Unable to connect to the compiler at http:\/\/[^ ]+\/healthz\?check_storage=true\. This likely means the service is not running, /,
    );
    // source_error(): the innermost cause only, not hyper's wrapping of it
    expect(t).toContain('Underlying connection error: Connection refused (os error 111). Please ensure');
  });

  it("unhealthy re-serializes a JSON body compactly in the server's key order, or says it was invalid", () => {
    const t = selfInfoText(
      'api',
      { kind: 'unhealthy', status: 500, message: '{ "status": "unhealthy: db", "a": [1, 2] }' },
      'community',
    );
    expect(t).toBe(
      'Unhealthy: api at http://127.0.0.1:8080/healthz responded with HTTP 500 Internal Server Error and body: {"status":"unhealthy: db","a":[1,2]}. Please check the api logs for more information.',
    );
    expect(selfInfoText('api', { kind: 'unhealthy', message: '<html>' }, 'community')).toBe(
      'Unhealthy: api at http://127.0.0.1:8080/healthz responded with HTTP 503 Service Unavailable and an invalid JSON body. Please check the api logs for error details.',
    );
  });

  it('timeout and error prefixes', () => {
    expect(selfInfoText('runner', { kind: 'timeout' }, 'community')).toMatch(
      /^Timeout: The health check request to runner at \S+ did not respond within 5 seconds\. /,
    );
    expect(selfInfoText('runner', { kind: 'error', message: 'boom' }, 'community')).toMatch(
      /^Error: An unexpected error occurred while checking the health of runner at \S+: error sending request for url \(\S+\), source: boom\. /,
    );
  });

  it('resources: fixed text in Community, Kubernetes objects in Enterprise', () => {
    expect(resourcesInfoText('api', true, 'community', 'x')).toBe(RESOURCES_NOT_AVAILABLE);
    expect(resourcesInfoText('api', false, 'community', 'x')).toBe(
      'Resources information not available in Community edition.',
    );
    const ok = resourcesInfoText('runner', true, 'enterprise', 'x');
    expect(ok.split('\n')).toHaveLength(3);
    expect(ok).toMatch(/^StatefulSet feldera\/feldera-kubernetes-runner: 1\/1 replicas ready/);
    expect(resourcesInfoText('api', false, 'enterprise', 'abc-def')).toContain(
      'Pod feldera/feldera-api-server-abc-def',
    );
    expect(resourcesInfoText('api', false, 'enterprise', 'abc-def')).toContain('CrashLoopBackOff');
  });

  it('the resources text when resource monitoring is disabled in the configuration', () => {
    expect(RESOURCES_DISABLED).toBe('Cluster monitoring resources information is disabled in the configuration.');
  });
});
