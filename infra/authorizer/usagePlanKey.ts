import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { hashSessionToken, isSessionToken } from '../../functions/commons/captureSessions.js';
import { appIdOfKey, hashAppKey } from '../../functions/commons/keys.js';
import { services } from '../../functions/commons/services.js';

/**
 * API Gateway REQUEST authorizer whose only job is to name the usage plan key, so that callers may
 * authenticate with `appKey` (+ `appId`) or with `x-api-key` and still be metered by their plan.
 * The gateway's API key value is sha256(appKey) — the hash the apps table stores — never the key.
 * It does not decide access: API Gateway rejects hashes it has no key for, and the handlers check
 * the app, its status and its plan against DynamoDB exactly as they do locally. A capture session
 * token (`Authorization: Bearer`, checkLiveness only) is metered under the usage key its session
 * recorded (sha256 of the app key that created it), read from the sessions table without using it.
 */
export const usagePlanKeyOf = (appKey: string): string => hashAppKey(appKey);

/**
 * Where each route's callers put the app key, in order of precedence (any header case): ours
 * (`x-api-key`, `appKey`), the 003 API's `app_key`, and `Authorization` — the 002 API's raw key, or
 * Deepvue's `Bearer <key>` when it sends no x-api-key.
 */
export const KEY_HEADERS = ['x-api-key', 'appkey', 'app_key', 'authorization'] as const;

/** The presented app key (any header case); `Bearer ` is stripped from Authorization. */
export function presentedKey(headers: Readonly<Record<string, string | undefined>> | null): string | undefined {
  const byName = new Map(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value?.trim()]));
  for (const name of KEY_HEADERS) {
    const value = byName.get(name);
    if (!value) continue;
    if (name !== 'authorization') return value;
    // Authorization carries other schemes too (Basic, a Deepvue JWT, a stale session token): only a value
    // shaped like one of our keys (it names its app) is read as the app key.
    const key = value.replace(/^Bearer(\s+|$)/i, '');
    return key && appIdOfKey(key) ? key : undefined;
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>` (any header case), if it is shaped like a session token. */
export function presentedSessionToken(headers: Readonly<Record<string, string | undefined>> | null): string | undefined {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = value && /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
  return token && isSessionToken(token) ? token : undefined;
}

const allow = (event: APIGatewayRequestAuthorizerEvent, principalId: string, usageIdentifierKey: string): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
  },
  usageIdentifierKey,
});

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  // A session token first, as the handlers read it (it never looks like an app key: lst_…), then the app key headers.
  const token = presentedSessionToken(event.headers);
  if (token) {
    const session = await services().sessions.peek(hashSessionToken(token), Math.floor(Date.now() / 1000));
    if (!session) throw new Error('Unauthorized');
    return allow(event, session.appId, session.usageKey);
  }
  const key = presentedKey(event.headers);
  // Throwing exactly "Unauthorized" makes API Gateway answer 401 (gateway response UNAUTHORIZED).
  if (!key) throw new Error('Unauthorized');
  return allow(event, appIdOfKey(key) ?? 'unknown-app', usagePlanKeyOf(key));
};
