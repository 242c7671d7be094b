/**
 * The error answers, worded as Feldera words them: one constructor per kind, so a route says
 * which error it means and the texts stay in one place. Feldera's own errors are JSON
 * `{ message, error_code[, details] }`; the framework's (bad query, missing credentials) are not.
 * Where the OpenAPI document says nothing, the facts are in test/fixtures/README.md.
 */
import type { Answer } from './answer.js';

/** `details` undefined leaves the key out, as Feldera does for errors that have none. */
function felderaError(status: number, message: string, errorCode: string, details?: unknown): Answer {
  const json = details === undefined ? { message, error_code: errorCode } : { message, error_code: errorCode, details };
  return { status, json };
}

/**
 * `details` is `{}`: the handler returns `ManagerError::DBError { #[serde(flatten)] db_error }`,
 * and a unit variant flattened into a struct serializes as no fields (DBError on its own, as in
 * the OpenAPI examples, would give `null`).
 */
export const noEventsYet = (): Answer =>
  felderaError(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable', {});

export const unknownEvent = (uuid: string): Answer =>
  felderaError(
    404,
    `Cluster monitor event with identifier '${uuid}' does not exist -- it might have been deleted as monitor events are only retained for 72h and at most 1000`,
    'UnknownClusterMonitorEvent',
    { event_id: uuid },
  );

export const invalidUuid = (value: string, error: string): Answer =>
  felderaError(400, `Invalid UUID string '${value}': ${error}`, 'InvalidUuidParam', { value, error });

/**
 * `create_authz_json_error` (auth.rs): the JSON text inside actix's `ErrorUnauthorized(String)`,
 * an internal error whose body is sent as `text/plain; charset=utf-8`. No `details`.
 */
export const unauthorizedApiKey = (): Answer => ({
  status: 401,
  text: JSON.stringify({ message: 'Unauthorized API key', error_code: 'AuthenticationFailed' }),
});

/**
 * rbac.rs `forbidden`: the only 403 a cluster route can give, since every role satisfies `read`,
 * the lowest; it comes when no principal was installed. No `details`.
 */
export const insufficientPermissions = (): Answer =>
  felderaError(403, 'No authenticated principal', 'InsufficientPermissions');

/** Not Feldera's: a bug in the simulator, answered rather than crashing the server. */
export const simulatorError = (message: string): Answer =>
  felderaError(500, `Internal error in the simulator: ${message}`, 'SimulatorError', null);

/**
 * actix-web-httpauth's challenge: bare when there is no usable `Bearer` credential; with an
 * `error_description` when Feldera rejects a token that is not an API key (`Malformed JWT: …`),
 * written as it is (the crate does not escape it). No body either way.
 */
export const bearerChallenge = (description?: string): Answer => ({
  status: 401,
  headers: { 'www-authenticate': description === undefined ? 'Bearer' : `Bearer error_description="${description}"` },
});

/** serde_urlencoded's error for a query that does not deserialize, as plain text. */
export const queryError = (text: string): Answer => ({ status: 400, text });
