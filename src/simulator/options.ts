/**
 * Choices of the simulated server that the `simulate` command parses before the simulator itself
 * is loaded (it pulls in node:http and node:crypto, which no other command needs).
 */

/** Routes an older Feldera does not have: answered with a bodyless 404. */
export type OmitRoute = 'cluster_healthz' | 'cluster_events';
export const OMIT_ROUTES: readonly OmitRoute[] = ['cluster_healthz', 'cluster_events'];
