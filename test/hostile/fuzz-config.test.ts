/** The hostile-server fuzz (fuzz.ts) of health, configuration, session and authentication endpoints. */
import { fuzzEndpoints } from './fuzz.js';

fuzzEndpoints(['healthz', 'config', 'session', 'authentication']);
