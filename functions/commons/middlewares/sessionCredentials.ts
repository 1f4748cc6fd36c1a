import { ApiError } from '../apiErrors.js';
import { hashSessionToken, isSessionToken } from '../captureSessions.js';
import type { SessionRecord, SessionStore } from '../stores/sessionStore.js';
import { type ApiEvent, header } from './apiState.js';

/** The token of `Authorization: Bearer <token>`, or undefined when the header is absent. */
export function bearerToken(event: ApiEvent): string | undefined {
  const value = header(event, 'authorization');
  if (value === undefined) return undefined;
  const found = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return found ? found[1]! : '';
}

const REFUSALS = {
  unknown: () => new ApiError('UNAUTHORIZED', 'INVALID_SESSION', 'the session token is missing, malformed or unknown'),
  expired: () => new ApiError('UNAUTHORIZED', 'SESSION_EXPIRED', 'the session token has expired: create a new session'),
  used: () => new ApiError('FORBIDDEN', 'SESSION_USED', 'the session token has no checks left: create a new session'),
} as const;

/**
 * Takes one check from the presented session (one conditional atomic update) and returns it.
 * 401 unknown or expired, 403 used up or presented with another app's appId. The token is never logged.
 */
export async function useSession(event: ApiEvent, token: string, sessions: SessionStore): Promise<SessionRecord> {
  if (!isSessionToken(token)) throw REFUSALS.unknown();
  const use = await sessions.use(hashSessionToken(token), Math.floor(Date.now() / 1000));
  if (!use.used) throw REFUSALS[use.reason]();
  const appId = header(event, 'appid');
  if (appId !== undefined && appId !== use.session.appId) {
    throw new ApiError('FORBIDDEN', 'SESSION_FOREIGN', 'this session token belongs to another app');
  }
  return use.session;
}
