import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, selfie640, send, startApiStack } from '../apiStack.js';
import { type ImageServer, startImageServer } from '../../helpers/imageServer.js';

// Deepvue (seeds/001): POST /v1/liveness-check, JSON {image: base64 or URL}, Authorization: Bearer + x-api-key.
let api: ApiStack;
let app: Awaited<ReturnType<ApiStack['createApp']>>;
let selfie: Buffer;
let images: ImageServer;
beforeAll(async () => {
  selfie = await selfie640();
  images = await startImageServer(selfie);
  // The explicit test-only allow-list: the local HTTPS server on loopback, with its self-signed CA.
  api = await startApiStack({ LIVENESS_IMAGE_URL_TEST_ALLOW: '127.0.0.1/32', LIVENESS_IMAGE_URL_TEST_CA: images.ca });
  app = await api.createApp('standard');
});
afterAll(async () => {
  await api?.stop();
  await images?.close();
});

const deepvue = (body: unknown, headers: Record<string, string> = { Authorization: 'Bearer YOUR_API_TOKEN', 'x-api-key': app.appKey }) =>
  send(`${api.stack.url}/v1/liveness-check`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const envelope = (code: number, sub_code: string) => ({ code, timestamp: null, transaction_id: expect.any(String), sub_code, message: expect.any(String) });

describe('POST /v1/liveness-check (Deepvue drop-in)', () => {
  it("answers the seed's curl sample (base64 image, bearer + x-api-key) in Deepvue's envelope", async () => {
    const res = await deepvue({ image: selfie.toString('base64') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...envelope(200, 'SUCCESS'), message: 'Request processed successfully', data: { is_live: expect.any(Boolean), score: expect.any(Number) } });
    const ours = await checkJson(api, app.headers, { image: selfie.toString('base64') });
    expect(res.body.data).toEqual({ is_live: ours.body.result.details.liveFace.value === 'yes', score: ours.body.result.details.liveFace.score });
    // transaction_id: the transactionId header when sent, else the request id
    const tagged = await deepvue({ image: selfie.toString('base64') }, { 'x-api-key': app.appKey, transactionId: 'dv-journey-1' });
    expect(tagged.body.transaction_id).toBe('dv-journey-1');
  });

  it('fetches the image from a URL, as `image` or as `url`, through the test-only allow-list', async () => {
    const viaImage = await deepvue({ image: images.url('/face.jpg') });
    const viaUrl = await deepvue({ url: images.url('/redirect/2', 'localhost') });
    const base64 = await deepvue({ image: selfie.toString('base64') });
    expect(viaImage.status).toBe(200);
    expect(viaUrl.status).toBe(200);
    expect(viaImage.body.data).toEqual(base64.body.data);
    expect(viaUrl.body.data).toEqual(base64.body.data);
  });

  it.each([
    ['the metadata address', 'URL_NOT_ALLOWED', 'https://169.254.169.254/latest/meta-data/iam/'],
    ['a private address', 'URL_NOT_ALLOWED', 'https://10.0.0.1/face.jpg'],
    ['IPv6 loopback', 'URL_NOT_ALLOWED', 'https://[::1]/face.jpg'],
    ['plain http', 'URL_NOT_ALLOWED', 'http://127.0.0.1/face.jpg'],
    ['a redirect to the metadata address', 'URL_NOT_ALLOWED', '/to-metadata'],
    ['too many redirects', 'URL_FETCH_FAILED', '/redirect/4'],
    ['an HTML page', 'URL_FETCH_FAILED', '/page.html'],
    ['a body over the size cap', 'URL_TOO_LARGE', '/big-declared'],
  ])('refuses %s with 422 INVALID_URL (reason %s)', async (_case, reason, target) => {
    const res = await deepvue({ url: target.startsWith('/') ? images.url(target) : target });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ ...envelope(422, 'INVALID_URL'), reason });
  });

  it('answers no face as a processed request (200, FACE_NOT_DETECTED), bad base64 as 422 INVALID_BASE64_STRING', async () => {
    const wall = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c8b89a' } }).jpeg().toBuffer();
    const noFace = await deepvue({ image: wall.toString('base64') });
    expect(noFace.status).toBe(200);
    expect(noFace.body).toMatchObject({ ...envelope(200, 'FACE_NOT_DETECTED'), message: 'Face Not Detected' });
    expect(noFace.body.data).toBeUndefined();
    const garbage = await deepvue({ image: '%%%not base64%%%' });
    expect(garbage.status).toBe(422);
    expect(garbage.body).toMatchObject({ ...envelope(422, 'INVALID_BASE64_STRING'), message: 'Invalid base64 string' });
    const missing = await deepvue({});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 400, sub_code: 'MISSING_IMAGE', message: 'image is required' });
  });

  it("answers authentication failures with FastAPI's {detail} bodies", async () => {
    expect(await deepvue({ image: 'x' }, {})).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    expect(await deepvue({ image: 'x' }, { 'x-api-key': `${app.appId}.wrong` })).toMatchObject({ status: 401, body: { detail: 'Not a valid token' } });
    const revoked = await api.createApp('standard');
    await api.admin.revoke(revoked.appId);
    expect(await deepvue({ image: 'x' }, { 'x-api-key': revoked.appKey })).toMatchObject({ status: 403, body: { detail: 'Inactive client_id' } });
    // the bearer alone is read as the app key
    expect((await deepvue({ image: selfie.toString('base64') }, { Authorization: `Bearer ${app.appKey}` })).status).toBe(200);
  });
});
