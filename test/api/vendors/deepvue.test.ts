import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, selfie640, send, startApiStack } from '../apiStack.js';
import { type ImageServer, startImageServer } from '../../helpers/imageServer.js';
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from '../../../functions/commons/deepvueAccessTokens.js';
import { hashAppKey } from '../../../functions/commons/keys.js';
import { PLANS } from '../../../functions/commons/plans.js';

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

// Deepvue's token endpoint: a Deepvue client first trades client_id + client_secret for an access token.
describe('POST /v1/authorize (Deepvue drop-in), then /v1/liveness-check with the token', () => {
  const authorize = (body: URLSearchParams | FormData | string, headers: Record<string, string> = {}) =>
    send(`${api.stack.url}/v1/authorize`, { method: 'POST', headers, body });
  const form = (clientId: string, clientSecret: string) => new URLSearchParams({ client_id: clientId, client_secret: clientSecret });

  it('answers urlencoded and multipart client_id/client_secret with a short-lived bearer token, which liveness-check accepts beside x-api-key', async () => {
    const issuedAfter = Date.now();
    const urlencoded = await authorize(form(app.appId, app.appKey));
    expect(urlencoded.status).toBe(200);
    expect(urlencoded.body).toEqual({ access_token: expect.stringMatching(/^dvt_/), token_type: 'bearer', expiry: expect.any(String) });
    expect(urlencoded.headers.get('cache-control')).toBe('no-store');
    // Never the key itself, nor its hash.
    expect(urlencoded.body.access_token).not.toContain(app.appKey.split('.')[1]);
    const expiry = Date.parse(urlencoded.body.expiry);
    expect(expiry).toBeGreaterThan(issuedAfter);
    expect(expiry).toBeLessThanOrEqual(issuedAfter + (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);

    const multipartForm = new FormData();
    multipartForm.set('client_id', app.appId);
    multipartForm.set('client_secret', app.appKey);
    const multipart = await authorize(multipartForm);
    expect(multipart.status).toBe(200);
    expect(multipart.body.token_type).toBe('bearer');

    for (const token of [urlencoded.body.access_token, multipart.body.access_token]) {
      const res = await deepvue({ image: selfie.toString('base64') }, { Authorization: `Bearer ${token}`, 'x-api-key': app.appKey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code: 200, sub_code: 'SUCCESS', data: { is_live: expect.any(Boolean) } });
    }
  });

  it("refuses a wrong secret, an unknown client_id or a revoked app in Deepvue's {detail} shape, and a malformed form with 422", async () => {
    expect(await authorize(form(app.appId, `${app.appId}.${'x'.repeat(43)}`))).toMatchObject({ status: 401, body: { detail: 'Invalid client_id or client_secret' } });
    expect(await authorize(form('no-such-app', app.appKey))).toMatchObject({ status: 401, body: { detail: 'Invalid client_id or client_secret' } });
    const other = await api.createApp('standard');
    // Another app's id with this app's key: the key is checked against the app the id names.
    expect(await authorize(form(other.appId, app.appKey))).toMatchObject({ status: 401 });
    await api.admin.revoke(other.appId);
    expect(await authorize(form(other.appId, other.appKey))).toMatchObject({ status: 403, body: { detail: 'Inactive client_id' } });
    const missing = await authorize(new URLSearchParams({ client_id: app.appId }));
    expect(missing).toMatchObject({ status: 422, body: { detail: expect.stringContaining('client_secret') } });
    const json = await authorize(JSON.stringify({ client_id: app.appId, client_secret: app.appKey }), { 'content-type': 'application/json' });
    expect(json).toMatchObject({ status: 422, body: { detail: expect.stringContaining('application/x-www-form-urlencoded') } });
    for (const res of [missing, json]) expect(JSON.stringify(res.body)).not.toContain(app.appKey);
  });

  it("refuses another app's, a tampered or an expired token with 401 Not a valid token, even beside a valid x-api-key", async () => {
    const other = await api.createApp('standard');
    const othersToken = (await authorize(form(other.appId, other.appKey))).body.access_token as string;
    const ownToken = (await authorize(form(app.appId, app.appKey))).body.access_token as string;
    const tampered = ownToken.replace(/\.(\d+)\./, (_m, exp: string) => `.${Number(exp) + 86_400}.`);
    const expired = issueAccessToken({ appId: app.appId, keyHash: hashAppKey(app.appKey) }, new Date(Date.now() - 2 * ACCESS_TOKEN_TTL_SECONDS * 1000)).access_token;
    for (const token of [othersToken, tampered, expired, `${ownToken}x`, 'dvt_']) {
      const res = await deepvue({ image: selfie.toString('base64') }, { Authorization: `Bearer ${token}`, 'x-api-key': app.appKey });
      expect(res).toMatchObject({ status: 401, body: { detail: 'Not a valid token' } });
    }
    // The token is not a key: without x-api-key it authenticates nothing.
    expect(await deepvue({ image: selfie.toString('base64') }, { Authorization: `Bearer ${ownToken}` })).toMatchObject({ status: 401, body: { detail: 'Not a valid token' } });
    // Rotating the app key ends every token signed with the old one.
    const rotated = await api.admin.rotate(app.appId);
    const res = await deepvue({ image: selfie.toString('base64') }, { Authorization: `Bearer ${ownToken}`, 'x-api-key': rotated.key });
    expect(res).toMatchObject({ status: 401, body: { detail: 'Not a valid token' } });
    app = { ...app, appKey: rotated.key, headers: { appId: app.appId, appKey: rotated.key } };
  });

  it("counts token requests against the app's per-minute limit, as every authenticated call (429 with Retry-After)", async () => {
    const limited = await api.createApp('sandbox');
    const limit = PLANS.sandbox.requestsPerMinute;
    // Counters are per calendar minute: start well inside one, so the count is not split.
    const intoMinute = new Date().getUTCSeconds();
    if (intoMinute > 50) await new Promise((r) => setTimeout(r, (61 - intoMinute) * 1000));
    const results = await Promise.all(Array.from({ length: limit + 2 }, () => authorize(form(limited.appId, limited.appKey))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(limit);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.body).toEqual({ detail: expect.any(String) });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });
});
