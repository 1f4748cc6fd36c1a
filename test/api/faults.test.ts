import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkMultipart, selfie640, send, startApiStack } from './apiStack.js';

/** Server faults caused for real (a too-short timeout, a stopped backing service): 503/500, never a stack trace. */
describe('503 and 500 from real faults, not mocks', () => {
  let api: ApiStack;
  let selfie: Buffer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    api = await startApiStack();
    selfie = await selfie640(1);
    headers = (await api.createApp('standard')).headers;
  });
  afterAll(async () => api?.stop());

  it('answers 503 busy with Retry-After when the function runs out of time (a 1 ms timeout)', async () => {
    api.stack.setFunctionTimeout(1);
    try {
      const res = await checkMultipart(api, headers, selfie);
      expect(res.status).toBe(503);
      expect(res.body.result.error).toBe('SERVER BUSY - retry after sometime');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      api.stack.setFunctionTimeout(29_000);
    }
    expect((await checkMultipart(api, headers, selfie)).status).toBe(200);
  });

  it('answers 500 with summary code 110 when S3 is down and a crop was asked for; without a crop S3 is not needed', async () => {
    await api.stack.stopS3();
    const withCrop = await checkMultipart(api, headers, selfie, { returnCroppedImageURL: 'yes' });
    expect(withCrop.status).toBe(500);
    expect(withCrop.body.result.error).toBe('Internal Server Error');
    expect(withCrop.body.result.summary).toEqual({ action: 'manualReview', details: [{ code: '110', message: expect.any(String) }] });
    expect(withCrop.body.metadata.requestId).toBeTruthy();
    expect(JSON.stringify(withCrop.body)).not.toMatch(/ECONNREFUSED|\.ts:\d+|\.js:\d+/);
    const without = await checkMultipart(api, headers, selfie);
    expect(without.status).toBe(200);
  });

  it('answers 500 when DynamoDB is down, while /v1/health (no database) still answers', async () => {
    await api.stack.stopDynamoDb();
    const res = await checkMultipart(api, headers, selfie);
    expect(res.status).toBe(500);
    expect(res.body.status).toBe('failure');
    expect(res.body.result.error).toBe('Internal Server Error');
    expect(JSON.stringify(res.body)).not.toContain(headers.appKey!);
    expect((await send(`${api.stack.url}/v1/health`, {})).status).toBe(200);
  });
});
