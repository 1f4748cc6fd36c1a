import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, nextTransactionId, samplePhoto, selfie640, send, startApiStack } from '../apiStack.js';

// YouLive (seeds/000): POST {base_url}/liveness, JSON, header x-api-key, `configuration: [{name, value}]`.
let api: ApiStack;
let app: Awaited<ReturnType<ApiStack['createApp']>>;
let selfie: Buffer;
beforeAll(async () => {
  api = await startApiStack();
  app = await api.createApp('standard');
  selfie = await selfie640();
});
afterAll(() => api?.stop());

const youLive = (body: unknown, headers: Record<string, string> = { 'x-api-key': app.appKey }) =>
  send(`${api.stack.url}/liveness`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /liveness (YouLive drop-in)', () => {
  it("answers the seed's Node.js sample (liveness_method faster, base64 image) with exactly score, status, confidence_level", async () => {
    const res = await youLive({ configuration: [{ name: 'liveness_method', value: 'faster' }], image: selfie.toString('base64') });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['confidence_level', 'score', 'status']);
    expect(res.body.status).toBe('VALID_IMAGE');
    expect(['Low', 'Medium', 'High']).toContain(res.body.confidence_level);
    // Same domain call as checkLiveness: the same score for the same image.
    const ours = await checkJson(api, app.headers, { image: selfie.toString('base64') });
    expect(res.body.score).toBe(ours.body.result.details.liveFace.score);
    // High only when more than one model decided (a model pack installed), Medium for fr_liveness alone.
    const liveFace = ours.body.result.details.liveFace;
    expect(liveFace.models.length).toBeGreaterThanOrEqual(1);
    expect(res.body.confidence_level).toBe(liveFace.confidence !== 'high' ? 'Low' : liveFace.models.length > 1 ? 'High' : 'Medium');
  });

  it('accepts merged and every selection criterion, and ignores configuration names it does not know', async () => {
    const photo = (await sharp(samplePhoto(1)).resize(1200).jpeg().toBuffer()).toString('base64');
    const scores: number[] = [];
    for (const value of ['CLOSEST_TO_CAMERA', 'CLOSEST_TO_CENTER', 'HIGHEST_CONFIDENCE']) {
      const res = await youLive({
        image: photo,
        configuration: [{ name: 'liveness_method', value: 'merged' }, { name: 'selection_criteria', value }, { name: 'future_option', value: 'x' }],
      });
      expect(res.status, value).toBe(200);
      expect(res.body.status).toBe('MULTIPLE_FACES');
      scores.push(res.body.score);
    }
    const ours = await checkJson(api, app.headers, { image: photo, selectionCriteria: 'CLOSEST_TO_CENTER', livenessMethod: 'merged' });
    expect(scores[1]).toBe(ours.body.result.details.liveFace.score);
  });

  it.each([
    [{ configuration: [{ name: 'liveness_method', value: 'slowest' }] }, 400, /^configuration\.0 must be a \{name, value\} pair/],
    [{ configuration: [{ name: 'selection_criteria', value: 'closest_to_camera' }] }, 400, /^configuration\.0/],
    [{ configuration: 'faster' }, 400, /^configuration must be/],
    [{ image: undefined }, 400, /^image is required/],
    [{ image: '%%%' }, 400, /base64/],
  ])('answers %j with %i in the {status_code, phrase, message} error shape', async (patch, status, message) => {
    const res = await youLive({ image: selfie.toString('base64'), ...patch });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ status_code: status, phrase: 'Bad Request', message: expect.stringMatching(message) });
  });

  it('answers missing and wrong keys with 401, a face-less image with 422, malformed JSON with 400, in the YouLive shape', async () => {
    expect(await youLive({ image: selfie.toString('base64') }, {})).toMatchObject({ status: 401, body: { status_code: 401, phrase: 'Unauthorized' } });
    expect((await youLive({ image: selfie.toString('base64') }, { 'x-api-key': `${app.appId}.wrong` })).status).toBe(401);
    const wall = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c8b89a' } }).jpeg().toBuffer();
    expect(await youLive({ image: wall.toString('base64') })).toMatchObject({ status: 422, body: { status_code: 422, phrase: 'Unprocessable Entity' } });
    expect(await youLive('{"image": ')).toMatchObject({ status: 400, body: { status_code: 400, phrase: 'Bad Request' } });
  });

  it('is logged and rate limited exactly like checkLiveness (one per-minute budget per app)', async () => {
    const sandbox = await api.createApp('sandbox'); // 5 requests a minute
    const transactionId = nextTransactionId('youlive');
    const body = { image: selfie.toString('base64') };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await youLive(body, { 'x-api-key': sandbox.appKey, transactionId })).status);
    for (let i = 0; i < 2; i++) statuses.push((await checkJson(api, sandbox.headers, body)).status);
    const limited = await youLive(body, { 'x-api-key': sandbox.appKey });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body).toMatchObject({ status_code: 429, phrase: 'Too Many Requests' });
    const log = await send(`${api.stack.url}/v1/transactions/${transactionId}`, { headers: sandbox.headers });
    expect(log.status).toBe(200);
    expect(log.body.result.requests).toHaveLength(3);
    expect(log.body.result.requests.every((r: { outcome: string; statusCode: number }) => r.statusCode === 200 && r.outcome !== 'error')).toBe(true);
  });
});
