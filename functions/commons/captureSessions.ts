import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from './apiErrors.js';
import { SessionRequest } from './schemas/routes.js';
import { validateBody } from './schemas/validate.js';
import type { PlanName } from './plans.js';
import type { AppRecord } from './stores/appStore.js';
import type { SessionRecord, SessionStore } from './stores/sessionStore.js';

/**
 * Capture session tokens look like `lst_<43 base64url chars>` (256 random bits). A browser sends one
 * as `Authorization: Bearer` instead of the app key it must never see; only sha256(token) is stored.
 */
export const SESSION_TOKEN_PATTERN = /^lst_[A-Za-z0-9_-]{43}$/;

export const isSessionToken = (token: string): boolean => SESSION_TOKEN_PATTERN.test(token);

export const hashSessionToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface SessionRequest {
  /** Lifetime asked for (1..MAX_SESSION_TTL_SECONDS); the configured default when absent. */
  readonly ttlSeconds?: number;
  readonly maxChecks?: number;
}

export interface IssuedSession {
  readonly sessionToken: string;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
  readonly maxChecks: number;
  readonly appId: string;
  readonly plan: PlanName;
}

const invalid = (message: string) => new ApiError('PARSE_ERROR', 'INVALID_SESSION_REQUEST', message);

/** The optional JSON body of POST /v1/sessions: `{ ttlSeconds?, maxChecks? }`, checked field by field. */
export function parseSessionRequest(body: string | null | undefined, isBase64Encoded = false): SessionRequest {
  if (!body) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    throw invalid('the body must be JSON: {"ttlSeconds": 1..3600, "maxChecks": 1..10}, both optional');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('the body must be a JSON object');
  // The schema the OpenAPI document prints (schemas/routes.ts); its message names the field.
  let valid: { ttlSeconds?: number; maxChecks?: number };
  try {
    valid = validateBody(SessionRequest, parsed);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'the body is invalid');
  }
  const { ttlSeconds: ttl, maxChecks: checks } = valid;
  return { ...(ttl ? { ttlSeconds: ttl } : {}), ...(checks ? { maxChecks: checks } : {}) };
}

/** Issues a token for this app and plan; the clear token is returned once and never stored. */
export async function issueSession(
  store: SessionStore,
  app: AppRecord,
  request: SessionRequest,
  defaults: { readonly ttlSeconds: number; readonly maxChecks: number },
  now = new Date(),
): Promise<IssuedSession> {
  const ttlSeconds = request.ttlSeconds ?? defaults.ttlSeconds;
  const maxChecks = request.maxChecks ?? defaults.maxChecks;
  const sessionToken = `lst_${randomBytes(32).toString('base64url')}`;
  const expiresAt = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const session: SessionRecord = {
    tokenHash: hashSessionToken(sessionToken),
    appId: app.appId,
    plan: app.plan,
    checksLeft: maxChecks,
    maxChecks,
    expiresAt,
    createdAt: now.toISOString(),
    usageKey: app.keyHash,
  };
  await store.create(session);
  return { sessionToken, expiresAt: new Date(expiresAt * 1000).toISOString(), expiresInSeconds: ttlSeconds, maxChecks, appId: app.appId, plan: app.plan };
}
