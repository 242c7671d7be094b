/** The hostile-server fuzz (fuzz.ts) of the event endpoints: latest, one event with its reports, the list. */
import { fuzzEndpoints } from './fuzz.js';

fuzzEndpoints(['latest', 'latest-all', 'list']);
