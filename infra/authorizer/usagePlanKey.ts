import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { hashSessionToken } from '../../functions/commons/captureSessions.js';
import { presentedCredential } from '../../functions/commons/credentials.js';
import { appIdOfKey, hashAppKey, UNKNOWN_APP } from '../../functions/commons/keys.js';
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

const allow = (event: APIGatewayRequestAuthorizerEvent, principalId: string, usageIdentifierKey: string): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
  },
  usageIdentifierKey,
});

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  // The handlers' own reading of the headers (one order), so the gateway meters the app they authenticate.
  const presented = presentedCredential(event.headers, { sessions: true, accessTokens: true });
  if (presented.kind === 'session') {
    const session = await services().sessions.peek(hashSessionToken(presented.token), Math.floor(Date.now() / 1000));
    if (!session) throw new Error('Unauthorized');
    return allow(event, session.appId, session.usageKey);
  }
  // Throwing exactly "Unauthorized" makes API Gateway answer 401 (gateway response UNAUTHORIZED).
  if (presented.kind === 'none') throw new Error('Unauthorized');
  return allow(event, appIdOfKey(presented.key) ?? presented.appId ?? UNKNOWN_APP, usagePlanKeyOf(presented.key));
};
