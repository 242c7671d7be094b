/**
 * The info texts a round writes for each service: the scenario's verbatim text or Feldera's
 * wording for what the check saw, truncated. Worked out once per scenario step and reused:
 * truncation walks the text by code point, and a scenario such as `retention` runs tens of
 * thousands of rounds over the same few steps.
 */
import type { Service } from '../api/types.js';
import type { Probe } from './probe.js';
import type { Rng } from './rng.js';
import type { Step } from './scenario.js';
import { type Edition, RESOURCES_DISABLED, resourcesInfoText, selfInfoText, truncateInfo } from './texts.js';

export interface ServiceTexts {
  self: string;
  resources: string;
}

export type TextLookup = (service: Service, probe: Probe) => ServiceTexts;

/** Kubernetes-style random name suffix: `<10 chars>-<5 chars>` from its safe alphabet. */
export function podSuffix(rng: Rng): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[rng.u32() % alphabet.length]).join('');
  return `${pick(10)}-${pick(5)}`;
}

/** `resourcesDisabled`: every resources text is the configuration's "disabled" one. */
export function createTextLookup(edition: Edition, pod: string, resourcesDisabled = false): TextLookup {
  const byStep = new WeakMap<Step, { self: string; resources: [string, string] }>();
  const healthySelf = new Map<Service, string>();

  /** A service with no step in force passes its check: the healthy wording, never long enough to truncate. */
  function passing(service: Service): ServiceTexts {
    let self = healthySelf.get(service);
    if (self === undefined) {
      self = selfInfoText(service, { kind: 'healthy' }, edition);
      healthySelf.set(service, self);
    }
    return {
      self,
      resources: resourcesDisabled ? RESOURCES_DISABLED : truncateInfo(resourcesInfoText(service, true, edition, pod)),
    };
  }

  function forStep(service: Service, step: Step): { self: string; resources: [string, string] } {
    const self = truncateInfo(step.info ?? selfInfoText(service, step, edition));
    const resources = (ok: boolean) =>
      resourcesDisabled
        ? RESOURCES_DISABLED
        : truncateInfo(
            edition === 'enterprise' && step.resourcesInfo !== undefined
              ? step.resourcesInfo
              : resourcesInfoText(service, ok, edition, pod),
          );
    return { self, resources: [resources(true), resources(false)] };
  }

  return (service, probe) => {
    const step = probe.step;
    if (!step) return passing(service);
    let cached = byStep.get(step);
    if (!cached) {
      cached = forStep(service, step);
      byStep.set(step, cached);
    }
    return { self: cached.self, resources: cached.resources[probe.resourcesOk ? 0 : 1] };
  };
}
