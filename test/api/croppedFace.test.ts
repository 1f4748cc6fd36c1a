import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkMultipart, selfie640, send, startApiStack } from './apiStack.js';

const URL_TTL_SECONDS = 2;
const RETENTION_SECONDS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cropped faces in S3 with signed URLs, over real HTTP', () => {
  let api: ApiStack;
  beforeAll(async () => {
    // Short lifetimes so expiry is observed within the test (defaults: 300 s URL, 24 h retention).
    api = await startApiStack({
      LIVENESS_CROP_URL_TTL_SECONDS: String(URL_TTL_SECONDS),
      LIVENESS_CROP_RETENTION_SECONDS: String(RETENTION_SECONDS),
    });
  });
  afterAll(async () => api?.stop());

  it('stores the crop, serves it to the same app only, and stops serving it after the TTLs', async () => {
    const app = await api.createApp('standard');
    const stranger = await api.createApp('standard');
    const selfie = await selfie640(1);
    const res = await checkMultipart(api, app.headers, selfie, { returnCroppedImageURL: 'yes' });
    expect(res.status).toBe(200);
    const requestId: string = res.body.metadata.requestId;
    const url: string = res.body.result.croppedImageUrl;
    expect(url).toContain(requestId);
    expect(url).toContain('X-Amz-Signature=');

    // The signed URL fetches a JPEG of the face.
    const image = await fetch(url);
    expect(image.status).toBe(200);
    const jpeg = Buffer.from(await image.arrayBuffer());
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe('jpeg');
    const box = res.body.result.details.face.boundingBox;
    expect(meta.width!).toBeGreaterThanOrEqual(Math.min(box.width, 512) * 0.9);

    // (s3rver serves unsigned reads too: it models no bucket policy. Privacy is the CDK bucket's
    // Block Public Access + enforced SSL, checked by the infrastructure template tests.)

    // A fresh URL for the same app; another app learns nothing (404, like an unknown id).
    const again = await send(`${api.stack.url}/v1/croppedFace/${requestId}`, { headers: app.headers });
    expect(again.status).toBe(200);
    expect((await fetch(again.body.result.croppedImageUrl)).status).toBe(200);
    const stolen = await send(`${api.stack.url}/v1/croppedFace/${requestId}`, { headers: stranger.headers });
    expect(stolen.status).toBe(404);
    expect(stolen.body.result.error).toBe('Not Found');
    const unknown = await send(`${api.stack.url}/v1/croppedFace/00000000-0000-0000-0000-000000000000`, { headers: app.headers });
    expect(unknown.status).toBe(404);

    // s3rver checks X-Amz-Expires: the first URL stops working after its TTL.
    await sleep((URL_TTL_SECONDS + 1.5) * 1000);
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');

    // After the retention period the crop is gone for the API too.
    await sleep((RETENTION_SECONDS + 1) * 1000);
    const gone = await send(`${api.stack.url}/v1/croppedFace/${requestId}`, { headers: app.headers });
    expect(gone.status).toBe(404);
  });

  it('does not store a crop unless asked', async () => {
    const app = await api.createApp('standard');
    const res = await checkMultipart(api, app.headers, await selfie640(1));
    expect(res.status).toBe(200);
    expect(res.body.result.croppedImageUrl).toBeUndefined();
    const none = await send(`${api.stack.url}/v1/croppedFace/${res.body.metadata.requestId}`, { headers: app.headers });
    expect(none.status).toBe(404);
  });

  it('refuses the route to a plan without cropped faces', async () => {
    const sandbox = await api.createApp('sandbox');
    const res = await send(`${api.stack.url}/v1/croppedFace/whatever`, { headers: sandbox.headers });
    expect(res.status).toBe(403);
  });
});
