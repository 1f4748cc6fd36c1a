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

/** The presented app key, from `x-api-key` or `appKey` (any header case). */
export function presentedKey(headers: Readonly<Record<string, string | undefined>> | null): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if ((lower === 'x-api-key' || lower === 'appkey') && value && value.trim()) return value.trim();
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
