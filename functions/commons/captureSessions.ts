import { createHash, randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { ApiError } from './apiErrors.js';
import { MAX_SESSION_CHECKS, MAX_SESSION_TTL_SECONDS, MAX_TRANSACTION_ID_LENGTH } from './config.js';
import { type LivenessOptions, parseLivenessOptions } from './livenessRequest.js';
import { livenessOptionProperties } from './schemas/checkLiveness.js';
import { SessionRequest as SessionRequestSchema } from './schemas/routes.js';
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
  /** The one journey the token may add checks to. */
  readonly transactionId: string;
  /** Lifetime asked for (1..MAX_SESSION_TTL_SECONDS); the configured default when absent. */
  readonly ttlSeconds?: number;
  readonly maxChecks?: number;
  /** The check the key holder shapes: every option of checkLiveness, defaults where not given. */
  readonly options: LivenessOptions;
}

export interface IssuedSession {
  readonly sessionToken: string;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
  readonly maxChecks: number;
  readonly appId: string;
  readonly plan: PlanName;
  readonly transactionId: string;
  readonly sessionId: string;
}

/** How the transaction log and the session's creator name a session: a hash of its stored hash, never a credential. */
export const sessionIdOf = (tokenHash: string): string => createHash('sha256').update(`session-id:${tokenHash}`, 'utf8').digest('hex').slice(0, 32);

/** How long an expired session stays readable, so a late page hears "expired" rather than "unknown". */
const SESSION_KEPT_AFTER_EXPIRY_SECONDS = 86_400;

const invalid = (message: string) => new ApiError('PARSE_ERROR', 'INVALID_SESSION_REQUEST', message);

const SHAPE = `{"transactionId": "<1-${MAX_TRANSACTION_ID_LENGTH} characters>", "ttlSeconds": 1..${MAX_SESSION_TTL_SECONDS}, "maxChecks": 1..${MAX_SESSION_CHECKS}, and any checkLiveness option}`;

/** The JSON body of POST /v1/sessions, checked field by field against the schema the OpenAPI document prints (schemas/routes.ts). */
export function parseSessionRequest(body: string | null | undefined, isBase64Encoded = false): SessionRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ? (isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body) : '');
  } catch {
    throw invalid(`the body must be JSON: ${SHAPE}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`the body must be a JSON object: ${SHAPE}`);
  let valid: Static<typeof SessionRequestSchema>;
  try {
    valid = validateBody(SessionRequestSchema, parsed);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'the body is invalid');
  }
  const { transactionId, ttlSeconds, maxChecks, ...options } = valid;
  return {
    transactionId,
    ...(ttlSeconds ? { ttlSeconds } : {}),
    ...(maxChecks ? { maxChecks } : {}),
    options: parseLivenessOptions(options),
  };
}

/** Issues a token for this app, journey and check; the clear token is returned once and never stored. */
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
    transactionId: request.transactionId,
    options: request.options,
    checksLeft: maxChecks,
    maxChecks,
    expiresAt,
    deleteAt: expiresAt + SESSION_KEPT_AFTER_EXPIRY_SECONDS,
    createdAt: now.toISOString(),
    usageKey: app.keyHash,
  };
  await store.create(session);
  return {
    sessionToken,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    expiresInSeconds: ttlSeconds,
    maxChecks,
    appId: app.appId,
    plan: app.plan,
    transactionId: request.transactionId,
    sessionId: sessionIdOf(session.tokenHash),
  };
}

/** Which option of LivenessOptions each body key sets (`qualityChecks.blur` and `qualityChecks: {…}` both set qualityChecks). */
const optionOfKey = (key: string): keyof LivenessOptions | undefined => {
  const head = key.split('.', 1)[0]!;
  return Object.hasOwn(livenessOptionProperties, head) ? (head as keyof LivenessOptions) : undefined;
};

const sameOption = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? [...a].sort().join() === [...b].sort().join() : a === b;

/**
 * The options of a check made with a session: the session's, always. A page may repeat one (same
 * value), but a different value is refused (400 SESSION_OPTION_CONFLICT) rather than silently used or dropped.
 */
export function optionsFixedBySession(body: unknown, pageOptions: LivenessOptions, session: SessionRecord): LivenessOptions {
  const sent = new Set<keyof LivenessOptions>();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const option = optionOfKey(key);
    if (option && value !== undefined && value !== null && value !== '') sent.add(option);
  }
  for (const option of sent) {
    if (!sameOption(pageOptions[option], session.options[option])) {
      throw new ApiError(
        'PARSE_ERROR',
        'SESSION_OPTION_CONFLICT',
        `${option} is fixed by the capture session (POST /v1/sessions); the page may leave it out or repeat the same value`,
      );
    }
  }
  return session.options;
}
