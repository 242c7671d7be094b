/**
 * The error answers, worded as Feldera words them: one constructor per kind, so a route says
 * which error it means and the texts stay in one place. Feldera's own errors are JSON
 * `{ message, error_code[, details] }`; the framework's (bad query, missing credentials) are not.
 */
import type { Answer } from './answer.js';

/** `details` undefined leaves the key out, as Feldera does for errors that have none. */
function felderaError(status: number, message: string, errorCode: string, details?: unknown): Answer {
  const json = details === undefined ? { message, error_code: errorCode } : { message, error_code: errorCode, details };
  return { status, json };
}

export const noEventsYet = (): Answer =>
  felderaError(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable', null);

export const unknownEvent = (uuid: string): Answer =>
  felderaError(
    404,
    `Cluster monitor event with identifier '${uuid}' does not exist -- it might have been deleted as monitor events are only retained for 72h and at most 1000`,
    'UnknownClusterMonitorEvent',
    { event_id: uuid },
  );

export const invalidUuid = (value: string, error: string): Answer =>
  felderaError(400, `Invalid UUID string '${value}': ${error}`, 'InvalidUuidParam', { value, error });

export const unauthorizedApiKey = (): Answer => felderaError(401, 'Unauthorized API key', 'AuthenticationFailed');

export const insufficientPermissions = (): Answer =>
  felderaError(403, "Insufficient permissions: the 'read' role or higher is required", 'InsufficientPermissions', {
    required_role: 'read',
  });

/** Not Feldera's: a bug in the simulator, answered rather than crashing the server. */
export const simulatorError = (message: string): Answer =>
  felderaError(500, `Internal error in the simulator: ${message}`, 'SimulatorError', null);

/** actix-web-httpauth's bare challenge when there is no usable `Bearer` credential. */
export const bearerChallenge = (): Answer => ({ status: 401, headers: { 'www-authenticate': 'Bearer' } });

/** serde_urlencoded's error for a query that does not deserialize, as plain text. */
export const queryError = (text: string): Answer => ({ status: 400, text });
