import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowsOf } from '../../functions/commons/stores/rateLimiter.js';
import { PLANS } from '../../functions/commons/plans.js';
import { type ApiStack, checkJson, checkMultipart, type Sent, selfie640, send, startApiStack } from './apiStack.js';

const MAX_BODY = 1_000_000;

/** Every failure body: HyperVerge shape, never a stack trace. */
function expectFailure(res: Sent, statusCode: number, error: string) {
  expect(res.status).toBe(statusCode);
  expect(res.body.status).toBe('failure');
  expect(res.body.statusCode).toBe(statusCode);
  expect(res.body.result.error).toBe(error);
  expect(res.body.metadata.requestId).toBeTruthy();
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('the error catalogue of SPEC §3, over real HTTP', () => {
  let api: ApiStack;
  let app: Awaited<ReturnType<ApiStack['createApp']>>;
  let selfie: Buffer;

  beforeAll(async () => {
    api = await startApiStack({ LIVENESS_MAX_BODY_BYTES: String(MAX_BODY) });
    app = await api.createApp('standard');
    selfie = await selfie640(1);
  });
  afterAll(async () => api?.stop());

  describe('400 parse error', () => {
    it('rejects malformed JSON', async () => {
      const res = await checkJson(api, app.headers, '{"image": "abc"');
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('INVALID_JSON');
      expect(res.body.metadata.transactionId).toMatch(/^tx-/);
    });

    it('rejects a multipart body whose boundary does not match', async () => {
      const res = await send(`${api.stack.url}/v1/checkLiveness`, {
        method: 'POST',
        headers: { ...app.headers, transactionId: 't-mp', 'content-type': 'multipart/form-data; boundary=abc' },
        body: '--xyz\r\nContent-Disposition: form-data; name="image"\r\n\r\nnot closed',
      });
      expectFailure(res, 400, 'Error while parsing request body');
    });

    it('rejects a request without an image', async () => {
      const res = await checkMultipart(api, app.headers, undefined, { threshold: '0.5' });
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('MISSING_IMAGE');
    });

    it('rejects invalid base64', async () => {
      const res = await checkJson(api, app.headers, { image: 'this is not base64!!' });
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('INVALID_BASE64');
    });

    it('requires the transactionId header and caps it at 128 characters', async () => {
      const missing = await send(`${api.stack.url}/v1/checkLiveness`, { method: 'POST', headers: app.headers, body: new FormData() });
      expectFailure(missing, 400, 'Error while parsing request body');
      expect(missing.body.result.reason).toBe('MISSING_TRANSACTION_ID');
      const long = await checkMultipart(api, { ...app.headers, transactionId: 'x'.repeat(129) }, selfie);
      expect(long.body.result.reason).toBe('INVALID_TRANSACTION_ID');
    });

    it.each([
      ['threshold', '1.5'],
      ['threshold', 'high'],
      ['selectionCriteria', 'BIGGEST'],
      ['livenessMethod', 'slow'],
      ['qualityChecks.blur', 'maybe'],
      ['threshold', '   '],
      ['threshold', '0x1'],
      ['returnCroppedImageURL', '1'],
    ])('rejects %s=%s with the reason INVALID_OPTION', async (name, value) => {
      const res = await checkMultipart(api, app.headers, selfie, { [name]: value });
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('INVALID_OPTION');
    });

    it('rejects a truncated JPEG with 400 and the CORRUPT_IMAGE reason code', async () => {
      const res = await checkMultipart(api, app.headers, selfie.subarray(0, Math.floor(selfie.length / 2)));
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('CORRUPT_IMAGE');
      expect(res.body.result.summary.action).toBe('fail');
    });

    it('rejects an empty image part', async () => {
      const res = await checkMultipart(api, app.headers, Buffer.alloc(0));
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('EMPTY_IMAGE');
    });

    it('rejects a content type that is neither multipart nor JSON', async () => {
      const res = await send(`${api.stack.url}/v1/checkLiveness`, {
        method: 'POST',
        headers: { ...app.headers, transactionId: 't-ct', 'content-type': 'image/jpeg' },
        body: selfie,
      });
      expectFailure(res, 400, 'Error while parsing request body');
      expect(res.body.result.reason).toBe('UNSUPPORTED_CONTENT_TYPE');
    });
  });

  it('400 unsupported file type: a GIF and a PDF, with summary code 111', async () => {
    const gif = await sharp(selfie).gif().toBuffer();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF');
    for (const file of [gif, pdf]) {
      const res = await checkMultipart(api, app.headers, file);
      expectFailure(res, 400, 'Unsupported file type');
      expect(res.body.result.summary).toEqual({ action: 'fail', details: [{ code: '111', message: expect.any(String) }] });
    }
  });

  describe('401 missing or invalid credentials', () => {
    it.each([
      ['no credentials', {}],
      ['a wrong key', { appId: 'x', appKey: 'y' }],
      ['an unknown x-api-key', { 'x-api-key': 'nobody.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ])('%s', async (_label, headers) => {
      const res = await checkMultipart(api, headers as Record<string, string>, selfie);
      expectFailure(res, 401, 'Missing/Invalid credentials');
    });

    it('a right app id with another app key', async () => {
      const other = await api.createApp('standard');
      const res = await checkMultipart(api, { appId: app.appId, appKey: other.appKey }, selfie);
      expectFailure(res, 401, 'Missing/Invalid credentials');
    });
  });

  describe('403 no access', () => {
    it('a revoked key', async () => {
      const revoked = await api.createApp('standard');
      await api.admin.revoke(revoked.appId);
      const res = await checkMultipart(api, revoked.headers, selfie);
      expectFailure(res, 403, 'Unauthorized Access to API');
      expect(res.body.result.reason).toBe('KEY_REVOKED');
    });

    it('a plan without the feature asked for (sandbox has no cropped faces or quality checks)', async () => {
      const sandbox = await api.createApp('sandbox');
      const crop = await checkMultipart(api, sandbox.headers, selfie, { returnCroppedImageURL: 'yes' });
      expectFailure(crop, 403, 'Unauthorized Access to API');
      expect(crop.body.result.reason).toBe('FEATURE_NOT_IN_PLAN');
      const quality = await checkMultipart(api, sandbox.headers, selfie, { 'qualityChecks.blur': 'yes' });
      expect(quality.status).toBe(403);
      const plain = await checkMultipart(api, sandbox.headers, selfie);
      expect(plain.status).toBe(200);
    });

    it('the monthly quota spent', async () => {
      const spent = await api.createApp('standard');
      // A month of earlier usage, written as the rate limiter would have counted it.
      await api.db.send(
        new PutCommand({
          TableName: api.config.tables.rateLimits,
          Item: { counterId: `${spent.appId}#month#${windowsOf(new Date()).month}`, count: PLANS.standard.monthlyQuota },
        }),
      );
      const res = await checkMultipart(api, spent.headers, selfie);
      expectFailure(res, 403, 'Unauthorized Access to API');
      expect(res.body.result.reason).toBe('QUOTA_EXCEEDED');
    });
  });

  describe('404 not found', () => {
    it.each([
      ['GET', '/v1/nothing'],
      ['GET', '/v2/checkLiveness'],
      ['POST', '/v1/health'],
      ['GET', '/'],
    ])('%s %s', async (method, path) => {
      const res = await send(`${api.stack.url}${path}`, { method, headers: app.headers });
      expectFailure(res, 404, 'Not Found');
    });
  });

  describe('413 too large', () => {
    it('a body over the limit, refused before it is decoded', async () => {
      const res = await checkMultipart(api, app.headers, randomBytes(MAX_BODY + 10_000));
      expectFailure(res, 413, 'Request entity too large');
    });

    it('a body over the limit that reaches the Lambda handler directly (no local gateway in front)', async () => {
      const { handler } = await import('../../functions/handlers/checkLiveness.js');
      const body = randomBytes(MAX_BODY + 3).toString('base64');
      const result = await handler(
        {
          resource: '/v1/checkLiveness',
          path: '/v1/checkLiveness',
          httpMethod: 'POST',
          headers: { ...app.headers, transactionId: 'direct-1', 'Content-Type': 'multipart/form-data; boundary=x' },
          multiValueHeaders: {},
          queryStringParameters: null,
          multiValueQueryStringParameters: null,
          pathParameters: null,
          stageVariables: null,
          body,
          isBase64Encoded: true,
          requestContext: { requestId: 'direct-413' } as never,
        },
        { awsRequestId: 'direct', getRemainingTimeInMillis: () => 10_000 } as never,
      );
      expect(result.statusCode).toBe(413);
      expect(JSON.parse(result.body).result.reason).toBe('BODY_TOO_LARGE');
    });

    it('an image with more pixels than the decoder accepts', async () => {
      const huge = await sharp({ create: { width: 6000, height: 5000, channels: 3, background: '#808080' } }).jpeg().toBuffer();
      expect(huge.length).toBeLessThan(MAX_BODY);
      const res = await checkMultipart(api, app.headers, huge);
      expectFailure(res, 413, 'Request entity too large');
      expect(res.body.result.reason).toBe('IMAGE_TOO_LARGE');
    });
  });

  describe('422 no face detected', () => {
    it('a picture without a face, with summary code 121', async () => {
      const wall = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c8b89a' } })
        .composite([{ input: await sharp(randomBytes(160 * 120 * 3), { raw: { width: 160, height: 120, channels: 3 } }).png().toBuffer(), top: 100, left: 100 }])
        .jpeg()
        .toBuffer();
      const res = await checkMultipart(api, app.headers, wall);
      expectFailure(res, 422, 'No face detected');
      expect(res.body.result.summary).toEqual({ action: 'fail', details: [{ code: '121', message: expect.any(String) }] });
    });

    it('an image too small to hold a judgeable face', async () => {
      const tiny = await sharp(selfie).resize(20, 15).jpeg().toBuffer();
      const res = await checkMultipart(api, app.headers, tiny);
      expectFailure(res, 422, 'No face detected');
      expect(res.body.result.reason).toBe('IMAGE_TOO_SMALL');
    });
  });

  it('429 rate limit with Retry-After once the plan minute is used up', async () => {
    const sandbox = await api.createApp('sandbox');
    let limited: Sent | undefined;
    // 2L+1 requests reach a 429 even if a minute boundary falls in the middle.
    for (let i = 0; i < 2 * PLANS.sandbox.requestsPerMinute + 1 && !limited; i++) {
      const res = await checkJson(api, sandbox.headers, { image: 'AAAA' });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(400);
    }
    expect(limited).toBeDefined();
    expect(limited!.body.result.error).toBe('Rate limit error');
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('no client mistake yields a 5xx: hostile and malformed requests', async () => {
    const url = `${api.stack.url}/v1/checkLiveness`;
    const h = { ...app.headers, transactionId: 'fuzz' };
    const attempts: RequestInit[] = [
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '[]' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: 'null' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"image": 42}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"image": {"a": 1}}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"image": ["a","b"]}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"image": "", "qualityChecks": 3}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"image": "data:text/plain,hello"}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"__proto__": {"x": 1}, "image": "AAAA"}' },
      { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: randomBytes(3000) },
      { method: 'POST', headers: { ...h, 'content-type': 'multipart/form-data' }, body: randomBytes(3000) },
      { method: 'POST', headers: { ...h, 'content-type': 'multipart/form-data; boundary=zz' }, body: randomBytes(3000) },
      { method: 'POST', headers: h },
      { method: 'POST', headers: { ...h, 'content-type': 'text/plain' }, body: 'hello' },
      { method: 'POST', headers: { ...h, appId: '../../etc', appKey: "' OR 1=1 --" }, body: 'x' },
      { method: 'POST', headers: { ...h, 'x-api-key': '.'.repeat(2000) }, body: 'x' },
      { method: 'POST', headers: { ...h, appId: 'a'.repeat(3000), appKey: 'k' }, body: 'x' },
      { method: 'POST', headers: { ...h, transactionId: '#'.repeat(128) }, body: 'x' },
    ];
    const forms: [string, Buffer][] = [
      ['random bytes', randomBytes(5000)],
      ['jpeg header then junk', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(5000)])],
      ['png header then junk', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(5000)])],
      ['bmp header with absurd size', Buffer.concat([Buffer.from('424d', 'hex'), Buffer.alloc(16), Buffer.from('ffffff7fffffff7f', 'hex'), Buffer.alloc(40)])],
      ['RIFF WEBP junk', Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), randomBytes(200)])],
    ];
    const results: number[] = [];
    for (const init of attempts) results.push((await send(url, init)).status);
    for (const path of ['/v1/croppedFace/%E0%A4%A', '/v1/transactions/%ff', `/v1/transactions/${'t'.repeat(500)}`, '/v1/croppedFace/..%2F..%2Fetc']) {
      results.push((await send(`${api.stack.url}${path}`, { headers: app.headers })).status);
    }
    for (const [, bytes] of forms) results.push((await checkMultipart(api, app.headers, bytes)).status);
    for (const status of results) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    // The service still answers normally afterwards.
    expect((await checkMultipart(api, app.headers, selfie)).status).toBe(200);
  });
});
