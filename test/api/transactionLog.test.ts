import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, checkMultipart, type Sent, selfie640, send, startApiStack } from './apiStack.js';

describe('transaction log in DynamoDB: one record per request, over real HTTP', () => {
  let api: ApiStack;
  beforeAll(async () => {
    api = await startApiStack();
  });
  afterAll(async () => api?.stop());

  it('writes exactly one record per request of a mixed batch, failures included, with no image data or keys', async () => {
    const app = await api.createApp('standard');
    const other = await api.createApp('sandbox');
    const selfie = await selfie640(1);
    const txOk = `mixed-ok-${Date.now()}`;
    const txBad = `mixed-bad-${Date.now()}`;
    const h = (transactionId: string, headers = app.headers) => ({ ...headers, transactionId });
    const batch: Sent[] = await Promise.all([
      checkMultipart(api, h(txOk), selfie),
      checkJson(api, h(txOk), { image: selfie.toString('base64'), threshold: 1 }),
      checkMultipart(api, h(txBad), selfie.subarray(0, 500)),
      checkMultipart(api, h(txBad), Buffer.from('GIF89a not really')),
      checkJson(api, h(txBad), '{broken'),
      checkMultipart(api, h(txBad), selfie, { threshold: '7' }),
      checkMultipart(api, h(txBad, other.headers), selfie, { returnCroppedImageURL: 'yes' }),
      checkMultipart(api, { transactionId: txBad, appId: app.appId, appKey: 'wrong' }, selfie),
    ]);
    expect(batch.map((r) => r.status)).toEqual([200, 200, 400, 400, 400, 400, 403, 401]);

    const { Items = [] } = await api.db.send(new ScanCommand({ TableName: api.config.tables.transactionLog }));
    for (const res of batch) {
      const records = Items.filter((i) => i.requestId === res.body.metadata.requestId);
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record.statusCode).toBe(res.status);
      expect(record.region).toBe('local');
      expect(Date.parse(record.time)).not.toBeNaN();
      expect(record.latencyMs).toBeGreaterThan(0);
      expect(record.expiresAt).toBeGreaterThan(Date.now() / 1000);
      const text = JSON.stringify(record);
      expect(text.length).toBeLessThan(2000);
      expect(text).not.toContain(app.appKey);
      expect(text).not.toContain(other.appKey);
      expect(text).not.toContain(selfie.toString('base64').slice(0, 64));
    }
    const byRequest = (r: Sent) => Items.find((i) => i.requestId === r.body.metadata.requestId)!;
    expect(byRequest(batch[0]!)).toMatchObject({ appId: app.appId, transactionId: txOk, modelVersion: expect.stringMatching(/^fr_liveness@/) });
    expect(byRequest(batch[0]!).liveFace.score).toBe(batch[0]!.body.result.details.liveFace.score);
    expect(byRequest(batch[0]!).outcome).toBe(batch[0]!.body.result.summary.action);
    expect(byRequest(batch[0]!).qualityStatus).toBe(batch[0]!.body.result.quality.status);
    expect(byRequest(batch[2]!)).toMatchObject({ outcome: 'fail', reason: 'CORRUPT_IMAGE', error: 'Error while parsing request body' });
    expect(byRequest(batch[6]!)).toMatchObject({ appId: other.appId, reason: 'FEATURE_NOT_IN_PLAN' });
    expect(byRequest(batch[7]!)).toMatchObject({ appId: 'anonymous', statusCode: 401 });
  });

  it('GET /v1/transactions/{id} lists that app\'s outcomes only, oldest first; another app gets 404', async () => {
    const app = await api.createApp('standard');
    const stranger = await api.createApp('standard');
    const selfie = await selfie640(2);
    const transactionId = `journey-${Date.now()}`;
    const first = await checkMultipart(api, { ...app.headers, transactionId }, selfie);
    const second = await checkMultipart(api, { ...app.headers, transactionId }, Buffer.from('nope'));
    const mine = await send(`${api.stack.url}/v1/transactions/${transactionId}`, { headers: app.headers });
    expect(mine.status).toBe(200);
    expect(mine.body.result.requests.map((r: { requestId: string }) => r.requestId)).toEqual([
      first.body.metadata.requestId,
      second.body.metadata.requestId,
    ]);
    expect(mine.body.result.requests[1].statusCode).toBe(400);
    const theirs = await send(`${api.stack.url}/v1/transactions/${transactionId}`, { headers: stranger.headers });
    expect(theirs.status).toBe(404);
    expect(theirs.body.result.error).toBe('Not Found');
    const anonymous = await send(`${api.stack.url}/v1/transactions/${transactionId}`, {});
    expect(anonymous.status).toBe(401);
  });

  it('indexes records by app and time for operators', async () => {
    const app = await api.createApp('standard');
    await checkMultipart(api, app.headers, Buffer.from('x'));
    const { Items = [] } = await api.db.send(
      new QueryCommand({
        TableName: api.config.tables.transactionLog,
        IndexName: 'byAppTime',
        KeyConditionExpression: 'appId = :a',
        ExpressionAttributeValues: { ':a': app.appId },
      }),
    );
    expect(Items).toHaveLength(1);
  });
});
