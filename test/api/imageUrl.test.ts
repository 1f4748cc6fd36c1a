import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_URL_ENV } from '../../functions/commons/imageUrl.js';
import { type ApiStack, checkJson, checkMultipart, selfie640, startApiStack } from './apiStack.js';
import { type ImageServer, startImageServer } from '../helpers/imageServer.js';

// checkLiveness `imageUrl`, over HTTP. The stack starts with the default policy (no allow-list);
// the last tests switch the test-only allow-list on (read per request) to fetch from the local server.
let api: ApiStack;
let app: Awaited<ReturnType<ApiStack['createApp']>>;
let images: ImageServer;
let selfie: Buffer;
beforeAll(async () => {
  selfie = await selfie640();
  images = await startImageServer(selfie);
  delete process.env[IMAGE_URL_ENV.testAllowRanges];
  delete process.env[IMAGE_URL_ENV.testCa];
  api = await startApiStack();
  app = await api.createApp('standard');
});
afterAll(async () => {
  await api?.stop();
  await images?.close();
});

describe('checkLiveness imageUrl with the default policy', () => {
  it.each([
    ['the local HTTPS server by loopback address', () => images.url('/face.jpg')],
    ['localhost (resolved by the real resolver)', () => images.url('/face.jpg', 'localhost')],
    ['the cloud metadata address', () => 'https://169.254.169.254/latest/meta-data/'],
    ['the metadata address in IPv4-mapped IPv6', () => 'https://[::ffff:a9fe:a9fe]/latest/meta-data/'],
    ['a private address', () => 'https://192.168.1.1/face.jpg'],
    ['a unique-local IPv6 address', () => 'https://[fd00::1]/face.jpg'],
    ['plain http', () => 'http://example.com/face.jpg'],
  ])('refuses %s with 400 URL_NOT_ALLOWED', async (_case, url) => {
    const res = await checkJson(api, app.headers, { imageUrl: url() });
    expect(res.status).toBe(400);
    expect(res.body.result).toMatchObject({ error: 'Error while parsing request body', reason: 'URL_NOT_ALLOWED' });
  });

  it('takes imageUrl as a form field too, and refuses an image and a URL together', async () => {
    const form = await checkMultipart(api, app.headers, undefined, { imageUrl: 'https://10.0.0.1/face.jpg' });
    expect(form.body.result.reason).toBe('URL_NOT_ALLOWED');
    const both = await checkMultipart(api, app.headers, selfie, { imageUrl: images.url('/face.jpg') });
    expect(both.body.result.reason).toBe('MULTIPLE_IMAGES');
  });
});

describe('checkLiveness imageUrl through the test-only allow-list', () => {
  beforeAll(() => {
    process.env[IMAGE_URL_ENV.testAllowRanges] = '127.0.0.1/32';
    process.env[IMAGE_URL_ENV.testCa] = images.ca;
  });

  it('checks the image at the URL exactly as the same image uploaded', async () => {
    const byUrl = await checkJson(api, app.headers, { imageUrl: images.url('/redirect/1') });
    const uploaded = await checkMultipart(api, app.headers, selfie);
    expect(byUrl.status).toBe(200);
    expect(byUrl.body.result.details.liveFace).toEqual(uploaded.body.result.details.liveFace);
  });

  it.each([
    ['a slow body', '/slow', 'URL_TIMEOUT'],
    ['a streamed body over the cap', '/big-streamed', 'URL_TOO_LARGE'],
    ['a missing file', '/missing.jpg', 'URL_FETCH_FAILED'],
    ['a redirect to the metadata address', '/to-metadata', 'URL_NOT_ALLOWED'],
  ])('answers %s with 400 %s', async (_case, path, reason) => {
    const res = await checkJson(api, app.headers, { imageUrl: images.url(path) });
    expect(res.status).toBe(400);
    expect(res.body.result.reason).toBe(reason);
  });
});
