import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { appIdOfKey, hashAppKey } from '../../functions/commons/keys.js';

/**
 * API Gateway REQUEST authorizer whose only job is to name the usage plan key, so that callers may
 * authenticate with `appKey` (+ `appId`) or with `x-api-key` and still be metered by their plan.
 * The gateway's API key value is sha256(appKey) — the hash the apps table stores — never the key.
 * It does not decide access: API Gateway rejects hashes it has no key for, and the handlers check
 * the app, its status and its plan against DynamoDB exactly as they do locally.
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
    return name === 'authorization' ? value.replace(/^Bearer(\s+|$)/i, '') || undefined : value;
  }
  return undefined;
}

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const key = presentedKey(event.headers);
  // Throwing exactly "Unauthorized" makes API Gateway answer 401 (gateway response UNAUTHORIZED).
  if (!key) throw new Error('Unauthorized');
  return {
    principalId: appIdOfKey(key) ?? 'unknown-app',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    usageIdentifierKey: usagePlanKeyOf(key),
  };
};
