import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, samplePhoto, selfie640, send, startApiStack } from '../apiStack.js';

// The 002 API (seeds/002): POST {{baseUrl}}/api/v1/ml/liveness/, JSON {image: base64}, headers AppId + Authorization: <key>.
let api: ApiStack;
let app: Awaited<ReturnType<ApiStack['createApp']>>;
let selfie: Buffer;
beforeAll(async () => {
  api = await startApiStack();
  app = await api.createApp('standard');
  selfie = await selfie640();
});
afterAll(() => api?.stop());

const appIdApi = (body: unknown, headers: Record<string, string> = { AppId: app.appId, Authorization: app.appKey }) =>
  send(`${api.stack.url}/api/v1/ml/liveness/`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('POST /api/v1/ml/liveness/ (002 API drop-in)', () => {
  it('answers a base64 selfie with liveness_probability 0..100 and the face object, fractions of the image', async () => {
    const res = await appIdApi({ image: selfie.toString('base64') });
    expect(res.status).toBe(200);
    const { liveness, face } = res.body.entity;
    const ours = await checkJson(api, app.headers, { image: selfie.toString('base64'), ageRange: 'yes', checkGender: 'yes' });
    const details = ours.body.result.details;
    expect(liveness.liveness_probability).toBeCloseTo(details.liveFace.score * 100, 2);
    expect(liveness.liveness_check).toBe(details.liveFace.value === 'yes');
    expect(face).toMatchObject({ face_detected: true, message: 'face detected', multiface_detected: false });
    expect(face.confidence).toBeCloseTo(details.face.detectionConfidence * 100, 1);
    // the box of checkLiveness (pixels of the 640x480 image), as fractions
    const box = details.face.boundingBox;
    expect(face.bounding_box.left).toBeCloseTo(box.left / 640, 3);
    expect(face.bounding_box.top).toBeCloseTo(box.top / 480, 3);
    expect(face.bounding_box.width).toBeCloseTo(box.width / 640, 3);
    expect(face.bounding_box.height).toBeCloseTo(box.height / 480, 3);
    expect(face.quality).toEqual({ brightness: details.quality.brightness, sharpness: details.quality.sharpness });
    // what checkLiveness answers, or left out where it answers "unsupported"
    expect(face.details.age_range).toEqual(details.ageRange.value === 'unsupported' ? undefined : { low: details.ageRange.low, high: details.ageRange.high });
    expect(face.details.gender).toEqual(details.gender.value === 'unsupported' ? undefined : { value: details.gender.value });
    for (const flag of ['smile', 'eyes_open', 'mouth_open']) {
      expect(face.details[flag], flag).toEqual({ value: expect.any(Boolean), confidence: expect.any(Number) });
    }
    // no model answers these: left out, never guessed
    for (const absent of ['eyeglasses', 'sunglasses', 'beard', 'mustache', 'emotions']) expect(face.details[absent], absent).toBeUndefined();
  });

  it('flags a group photo as multiface_detected, and answers an image without a face with face_detected false', async () => {
    const group = await appIdApi({ image: (await sharp(samplePhoto(1)).resize(1200).jpeg().toBuffer()).toString('base64') });
    expect(group.status).toBe(200);
    expect(group.body.entity.face.multiface_detected).toBe(true);
    const wall = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c8b89a' } }).jpeg().toBuffer();
    const none = await appIdApi({ image: wall.toString('base64') });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({
      entity: { liveness: { liveness_check: false, liveness_probability: 0 }, face: { face_detected: false, message: 'no face detected', multiface_detected: false } },
    });
  });

  it('answers bad credentials, bad bodies and a plan without face attributes in its error shape', async () => {
    const wrong = await appIdApi({ image: selfie.toString('base64') }, { AppId: app.appId, Authorization: 'not-the-key' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 401, reason: 'INVALID_CREDENTIALS' } } });
    const missing = await appIdApi({}, { AppId: app.appId, Authorization: app.appKey });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 400, reason: 'MISSING_IMAGE', message: 'image is required' } } });
    const notBase64 = await appIdApi({ image: '%%%' });
    expect(notBase64).toMatchObject({ status: 400, body: { error: { code: 400, reason: 'INVALID_BASE64' } } });
    // This route always returns face attributes, so it needs a plan that includes them.
    const sandbox = await api.createApp('sandbox');
    const res = await appIdApi({ image: selfie.toString('base64') }, { AppId: sandbox.appId, Authorization: sandbox.appKey });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 403, reason: 'FEATURE_NOT_IN_PLAN' } } });
  });
});
