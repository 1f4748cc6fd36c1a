import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionToken, issueSession } from '../../../functions/commons/captureSessions.js';
import { parseLivenessOptions } from '../../../functions/commons/livenessRequest.js';
import { services } from '../../../functions/commons/services.js';
import { handler } from '../../../infra/authorizer/usagePlanKey.js';
import { type ApiStack, startApiStack } from '../../api/apiStack.js';

const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/POST/v1/checkLiveness';
// A session as POST /v1/sessions would store it: one journey, the default check options.
const shaped = { transactionId: 'authorizer-journey', options: parseLivenessOptions({}) };
const event = (headers: Record<string, string>) => ({ type: 'REQUEST', methodArn, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('usage-plan key authorizer with capture session tokens (DynamoDB Local)', () => {
  let api: ApiStack;
  beforeAll(async () => {
    api = await startApiStack();
  });
  afterAll(async () => api?.stop());

  it("meters a session token under its app's usage key, without using up the session", async () => {
    const app = await api.createApp('standard');
    const record = (await api.admin.list()).find((a) => a.appId === app.appId)!;
    const session = await issueSession(services().sessions, record, shaped, { ttlSeconds: 60, maxChecks: 1 });
    for (let i = 0; i < 2; i++) {
      const result = await handler(event({ Authorization: `Bearer ${session.sessionToken}` }));
      expect(result.usageIdentifierKey).toBe(record.keyHash);
      expect(result.principalId).toBe(app.appId);
      expect(JSON.stringify(result)).not.toContain(session.sessionToken);
    }
    const use = await services().sessions.use(hashSessionToken(session.sessionToken), Math.floor(Date.now() / 1000));
    expect(use.used).toBe(true);
  });

  it('answers Unauthorized for unknown, expired or malformed tokens', async () => {
    const app = await api.createApp('standard');
    const record = (await api.admin.list()).find((a) => a.appId === app.appId)!;
    const past = new Date(Date.now() - 120_000);
    const expired = await issueSession(services().sessions, record, shaped, { ttlSeconds: 60, maxChecks: 1 }, past);
    for (const value of [`Bearer lst_${'C'.repeat(43)}`, `Bearer ${expired.sessionToken}`, 'Bearer nonsense', 'Basic abc']) {
      await expect(handler(event({ authorization: value })), value).rejects.toThrow(/^Unauthorized$/);
    }
  });
});
