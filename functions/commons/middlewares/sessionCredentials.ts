import { ApiError } from '../apiErrors.js';
import { hashSessionToken, sessionIdOf } from '../captureSessions.js';
import { requirePlanFeatures } from '../livenessRequest.js';
import type { AppRecord } from '../stores/appStore.js';
import type { SessionRecord, SessionStore } from '../stores/sessionStore.js';
import { type ApiEvent, type ApiMiddleware, header } from './apiState.js';

/** A session presented with a request, before its check is used. */
export interface PresentedSession {
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly record: SessionRecord;
}

const REFUSALS = {
  unknown: () => new ApiError('UNAUTHORIZED', 'INVALID_SESSION', 'the session token is missing, malformed or unknown'),
  expired: () => new ApiError('UNAUTHORIZED', 'SESSION_EXPIRED', 'the session token has expired: create a new session'),
  used: () => new ApiError('FORBIDDEN', 'SESSION_USED', 'the session token has no checks left: create a new session'),
} as const;

/**
 * The presented session, read without using it: 401 unknown or expired, 403 used up or presented
 * with another app's appId. Its check is taken later (useSessionCheck), once every refusal that
 * should leave it unused (origin, rate limit, quota) has had its say. The token is never logged.
 */
export async function findSession(event: ApiEvent, token: string, sessions: SessionStore): Promise<PresentedSession> {
  const tokenHash = hashSessionToken(token);
  const record = await sessions.get(tokenHash);
  if (!record) throw REFUSALS.unknown();
  if (record.expiresAt <= Math.floor(Date.now() / 1000)) throw REFUSALS.expired();
  if (record.checksLeft < 1) throw REFUSALS.used();
  const appId = header(event, 'appid');
  if (appId !== undefined && appId !== record.appId) {
    throw new ApiError('FORBIDDEN', 'SESSION_FOREIGN', 'this session token belongs to another app');
  }
  return { tokenHash, sessionId: sessionIdOf(tokenHash), record };
}

/** A session lives only as long as the key that created it: a rotated key ends it. */
export function requireIssuingKey(session: PresentedSession, app: AppRecord): void {
  if (session.record.usageKey !== app.keyHash) {
    throw new ApiError('UNAUTHORIZED', 'SESSION_REVOKED', 'the app key that created this session was rotated: create a new session');
  }
}

/** The session's journey: a check without a transactionId header joins it, another one is refused (403) before the check is used. */
export function requireSessionTransaction(session: PresentedSession, sent: string | undefined): void {
  if (sent !== undefined && sent !== session.record.transactionId) {
    throw new ApiError('FORBIDDEN', 'SESSION_TRANSACTION_MISMATCH', 'this session token was created for another transactionId: leave the header out or send that one');
  }
}

/**
 * After the rate limit: takes the session's check (one conditional atomic update); 403 when another
 * request took the last one, or when the app's plan (read now) no longer has what the session asks for.
 */
export function useSessionCheck(sessions: () => SessionStore): ApiMiddleware {
  return {
    before: async (request) => {
      const { session, app, plan } = request.context.api;
      if (!session) return;
      requirePlanFeatures(session.record.options, app?.plan ?? 'current', plan);
      const use = await sessions().use(session.tokenHash, Math.floor(Date.now() / 1000));
      if (!use.used) throw REFUSALS[use.reason]();
    },
  };
}
