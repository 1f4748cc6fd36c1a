import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../../functions/commons/deepvueAccessTokens.js';
import { generateAppKey, hashAppKey } from '../../../functions/commons/keys.js';
import { presentedCredential } from '../../../functions/commons/credentials.js';
import { handler } from '../../../infra/authorizer/usagePlanKey.js';

const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/POST/v1/checkLiveness';
const event = (headers: Record<string, string> | null) =>
  ({ type: 'REQUEST', methodArn, headers } as unknown as APIGatewayRequestAuthorizerEvent);

describe('usage-plan key authorizer', () => {
  const key = generateAppKey('acme-bank');

  it('names the usage plan key by the hash of an appKey header, never the key itself', async () => {
    const result = await handler(event({ appId: 'acme-bank', appKey: key }));
    expect(result.usageIdentifierKey).toBe(hashAppKey(key));
    expect(JSON.stringify(result)).not.toContain(key);
    expect(result.principalId).toBe('acme-bank');
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }]);
  });

  it('accepts the key as x-api-key in any header case', async () => {
    expect((await handler(event({ 'X-Api-Key': key }))).usageIdentifierKey).toBe(hashAppKey(key));
    expect(presentedCredential({ APPKEY: ` ${key} ` }, { sessions: true })).toEqual({ kind: 'key', key });
  });

  it.each([
    ['YouLive', { 'x-api-key': 'KEY' }],
    ['Deepvue', { Authorization: 'Bearer YOUR_API_TOKEN', 'x-api-key': 'KEY' }],
    ['Deepvue, bearer only', { Authorization: 'Bearer KEY' }],
    ['the 002 API', { AppId: 'acme-bank', Authorization: 'KEY' }],
    ['the 003 API', { app_id: 'acme-bank', app_key: 'KEY' }],
    ['HyperVerge', { appId: 'acme-bank', appKey: 'KEY' }],
    ['HyperVerge with a foreign JWT', { appId: 'acme-bank', appKey: 'KEY', Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }],
    ['HyperVerge with Basic', { appKey: 'KEY', Authorization: 'Basic dXNlcjpwYXNz' }],
    ['x-api-key beside another app key in Authorization', { 'x-api-key': 'KEY', Authorization: `Bearer ${generateAppKey('other-bank')}` }],
  ])('meters a %s-style request by the hash of its app key', async (_vendor, headers) => {
    const withKey = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('KEY', key)]));
    const result = await handler(event(withKey));
    expect(result.usageIdentifierKey).toBe(hashAppKey(key));
    expect(result.principalId).toBe('acme-bank');
  });

  it("meters Deepvue's access token (POST /v1/authorize) + x-api-key by the key, and never takes the token alone for a key", async () => {
    const { access_token: token } = issueAccessToken({ appId: 'acme-bank', keyHash: hashAppKey(key) });
    const result = await handler(event({ Authorization: `Bearer ${token}`, 'x-api-key': key }));
    expect(result.usageIdentifierKey).toBe(hashAppKey(key));
    expect(result.principalId).toBe('acme-bank');
    // The token names its app but is no app key: alone it meters nothing (Deepvue's clients always send x-api-key).
    expect(presentedCredential({ Authorization: `Bearer ${token}` }, { sessions: true, accessTokens: true })).toEqual({ kind: 'none' });
    await expect(handler(event({ Authorization: `Bearer ${token}` }))).rejects.toThrow(/^Unauthorized$/);
  });

  it('answers Unauthorized (API Gateway 401) when no key is presented', async () => {
    await expect(handler(event({ appId: 'acme-bank' }))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event(null))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event({ 'x-api-key': '   ' }))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event({ Authorization: 'Bearer ' }))).rejects.toThrow(/^Unauthorized$/);
  });

  it('lets a key that names no app through to API Gateway, which rejects hashes it has no key for', async () => {
    const result = await handler(event({ 'x-api-key': 'not-one-of-ours' }));
    expect(result.principalId).toBe('unknown-app');
    expect(result.usageIdentifierKey).toBe(hashAppKey('not-one-of-ours'));
  });
});
