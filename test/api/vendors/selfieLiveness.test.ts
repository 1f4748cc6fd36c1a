import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, samplePhoto, selfie640, send, startApiStack } from '../apiStack.js';

// The 003 API (seeds/003): multipart `selfie` + `threshold`, headers app_id + app_key; served at POST /v1/liveness/selfie.
let api: ApiStack;
let app: Awaited<ReturnType<ApiStack['createApp']>>;
let selfie: Buffer;
beforeAll(async () => {
  api = await startApiStack();
  app = await api.createApp('standard');
  selfie = await selfie640();
});
afterAll(() => api?.stop());

const form = (image: Buffer | undefined, threshold?: string) => {
  const f = new FormData();
  if (image) f.append('selfie', new Blob([image], { type: 'image/jpeg' }), 'selfie.jpg');
  if (threshold !== undefined) f.append('threshold', threshold);
  return f;
};
const selfieApi = (body: FormData, headers: Record<string, string> = { app_id: app.appId, app_key: app.appKey }) =>
  send(`${api.stack.url}/v1/liveness/selfie`, { method: 'POST', headers, body });
const STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe('POST /v1/liveness/selfie (003 API drop-in)', () => {
  it("answers the seed's request (selfie file, threshold 0.6) with response_code and response_data", async () => {
    const res = await selfieApi(form(selfie, '0.6'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ api_req_uid: expect.any(String), requested_at: expect.stringMatching(STAMP), processed_at: expect.stringMatching(STAMP) });
    const data = res.body.response_data;
    expect(data.img).toEqual({ height: 480, width: 640 });
    expect(data.faces_predicted).toHaveLength(1);
    const ours = await checkJson(api, app.headers, { image: selfie.toString('base64'), threshold: '0.6' });
    const details = ours.body.result.details;
    expect(data.faces_liveness).toBe(details.liveFace.score);
    expect(res.body.response_code).toBe(details.liveFace.value === 'yes' ? 1 : 2);
    const [face] = data.faces_predicted;
    expect(face.confidence).toBeCloseTo(details.face.detectionConfidence, 3);
    // pixels: the same box as checkLiveness's (which rounds to integers)
    expect(Math.abs(face.top_left.x - details.face.boundingBox.left)).toBeLessThanOrEqual(1);
    expect(Math.abs(face.top_left.y - details.face.boundingBox.top)).toBeLessThanOrEqual(1);
    expect(Math.abs(face.delta.x - details.face.boundingBox.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(face.delta.y - details.face.boundingBox.height)).toBeLessThanOrEqual(1);
  });

  it('applies the threshold: a face is live when its score is at or above it', async () => {
    const strict = await selfieApi(form(selfie, '1'));
    const lenient = await selfieApi(form(selfie, '0'));
    expect(strict.body.response_data.faces_liveness).toBeLessThan(1);
    expect(strict.body.response_code).toBe(2);
    expect(lenient.body.response_code).toBe(1);
  });

  it('reports every face of a group photo', async () => {
    const res = await selfieApi(form(samplePhoto(2)));
    expect(res.status).toBe(200);
    expect(res.body.response_data.faces_predicted.length).toBeGreaterThan(1);
  });

  it('answers bad input and bad credentials with 4xx in its error shape, and the usage limit with 403', async () => {
    const bad = await selfieApi(form(selfie, '0x1'));
    expect(bad).toMatchObject({ status: 400, body: { response_code: 400, reason: 'INVALID_OPTION', response_message: expect.stringMatching(/^threshold must be/) } });
    expect(await selfieApi(form(undefined, '0.5'))).toMatchObject({ status: 400, body: { reason: 'MISSING_IMAGE' } });
    expect(await selfieApi(form(selfie), { app_id: app.appId, app_key: 'wrong' })).toMatchObject({ status: 401, body: { response_code: 401 } });
    const sandbox = await api.createApp('sandbox'); // 5 a minute
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await selfieApi(form(selfie), { app_id: sandbox.appId, app_key: sandbox.appKey })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 403]);
  });
});
