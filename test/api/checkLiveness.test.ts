import sharp from 'sharp';
import { QUALITY_STATUSES } from '../../functions/liveness/quality/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, checkMultipart, samplePhoto, selfie640, send, startApiStack } from './apiStack.js';

describe('POST /v1/checkLiveness over real HTTP on the local stack', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  let selfie: Buffer;

  beforeAll(async () => {
    api = await startApiStack();
    headers = (await api.createApp('standard')).headers;
    selfie = await selfie640(1);
  });
  afterAll(async () => api?.stop());

  it('answers the HyperVerge success envelope with the model version and both ids', async () => {
    const res = await checkMultipart(api, { ...headers, transactionId: 'journey-42' }, selfie);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
    expect(res.body.statusCode).toBe(200);
    expect(res.body.metadata.transactionId).toBe('journey-42');
    expect(res.body.metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { details, summary, modelVersion } = res.body.result;
    expect(['yes', 'no']).toContain(details.liveFace.value);
    expect(['high', 'low']).toContain(details.liveFace.confidence);
    expect(details.liveFace.score).toBeGreaterThanOrEqual(0);
    expect(details.liveFace.score).toBeLessThanOrEqual(1);
    expect(details.face.facesDetected).toBeGreaterThanOrEqual(1);
    expect(details.face.boundingBox.width).toBeGreaterThan(20);
    expect(['pass', 'fail', 'manualReview']).toContain(summary.action);
    expect(modelVersion).toMatch(/^fr_liveness@/);
    expect(res.body.result.croppedImageUrl).toBeUndefined();
    expect(QUALITY_STATUSES).toContain(res.body.result.quality.status);
  });

  it('gives the same decision for multipart, JSON base64 and a JSON data URL of the same image', async () => {
    const multipartRes = await checkMultipart(api, headers, selfie);
    const base64Res = await checkJson(api, headers, { image: selfie.toString('base64') });
    const dataUrlRes = await checkJson(api, headers, { image: `data:image/jpeg;base64,${selfie.toString('base64')}` });
    for (const res of [multipartRes, base64Res, dataUrlRes]) expect(res.status).toBe(200);
    const decision = (r: typeof multipartRes) => ({ live: r.body.result.details.liveFace, face: r.body.result.details.face, summary: r.body.result.summary });
    expect(decision(base64Res)).toEqual(decision(multipartRes));
    expect(decision(dataUrlRes)).toEqual(decision(multipartRes));
  });

  it('keeps binary bodies intact: a PNG of the photo decodes to the same face box as its multipart JPEG twin', async () => {
    const png = await sharp(selfie).png().toBuffer();
    const viaForm = await checkMultipart(api, headers, png);
    const viaJson = await checkJson(api, headers, { image: png.toString('base64') });
    expect(viaForm.status).toBe(200);
    expect(viaForm.body.result.details).toEqual(viaJson.body.result.details);
  });

  it('passes the options of SPEC §3 to the engine: threshold moves the decision', async () => {
    const low = await checkMultipart(api, headers, selfie, { threshold: '0' });
    const high = await checkMultipart(api, headers, selfie, { threshold: '1' });
    expect(low.body.result.details.liveFace.value).toBe('yes');
    expect(high.body.result.details.liveFace.value).toBe('no');
    expect(high.body.result.summary.action).not.toBe('pass');
  });

  it('accepts every option of SPEC §3 as form fields and as JSON keys (flat or nested)', async () => {
    const fields = {
      returnCroppedImageURL: 'no',
      'qualityChecks.blur': 'yes',
      'qualityChecks.eyesClosed': 'no',
      'qualityChecks.sunglasses': 'yes',
      ageRange: 'yes',
      checkGender: 'yes',
      livenessMethod: 'faster',
      selectionCriteria: 'CLOSEST_TO_CENTER',
      threshold: '0.5',
    };
    const form = await checkMultipart(api, headers, selfie, fields);
    expect(form.status).toBe(200);
    expect(form.body.result.details.selectionCriteria).toBe('CLOSEST_TO_CENTER');
    expect(form.body.result.details.threshold).toBe(0.5);
    const nested = await checkJson(api, headers, {
      image: selfie.toString('base64'),
      qualityChecks: { blur: 'yes', sunglasses: 'yes' },
      ageRange: 'yes',
      checkGender: 'yes',
      selectionCriteria: 'CLOSEST_TO_CENTER',
      threshold: 0.5,
    });
    expect(nested.status).toBe(200);
    expect(nested.body.result.details.liveFace).toEqual(form.body.result.details.liveFace);
    // A check no model can answer is reported as unsupported, never guessed.
    expect(form.body.result.details.qualityChecks.sunglasses.value).toBe('unsupported');
    expect(['yes', 'no']).toContain(form.body.result.details.qualityChecks.blur.value);
    expect(form.body.result.details.qualityChecks.eyesClosed).toBeUndefined();
    expect(form.body.result.details.ageRange).toBeDefined();
    expect(form.body.result.details.gender).toBeDefined();
    expect(nested.body.result.details.qualityChecks).toEqual(form.body.result.details.qualityChecks);
  });

  it('answers livenessMethod=merged on one image with the merged level, and echoes the method', async () => {
    const res = await checkMultipart(api, headers, selfie, { livenessMethod: 'merged' });
    expect(res.status).toBe(200);
    expect(res.body.result.details.livenessMethod).toMatchObject({ value: 'merged', framesSent: 1, framesUsed: 1 });
    // The answer says what validation found, from the head file: merged is not sold as more accurate.
    const compared = res.body.result.details.livenessMethod.comparedWithFaster;
    expect(compared.validated).toBe(true);
    expect(compared.lowerApcerAtEqualBpcer).toBe(compared.apcer.merged < compared.apcer.faster);
    expect(res.body.result.details.frames.count).toBe(1);
    expect(res.body.result.modelVersion).toMatch(/^liveness_head@/);
    const faster = await checkMultipart(api, headers, selfie);
    expect(faster.body.result.details.livenessMethod).toEqual({ value: 'faster', framesSent: 1, framesUsed: 1 });
  });

  it('takes x-api-key alone as credentials', async () => {
    const res = await checkMultipart(api, { 'x-api-key': headers.appKey! }, selfie);
    expect(res.status).toBe(200);
  });

  it('selects a different face of a group photo by selection criteria', async () => {
    const photo = samplePhoto(1);
    const camera = await checkMultipart(api, headers, photo, { selectionCriteria: 'CLOSEST_TO_CAMERA' });
    const confident = await checkMultipart(api, headers, photo, { selectionCriteria: 'HIGHEST_CONFIDENCE' });
    expect(camera.status).toBe(200);
    expect(confident.status).toBe(200);
    expect(camera.body.result.details.face.facesDetected).toBeGreaterThan(1);
    expect(camera.body.result.details.selectionCriteria).toBe('CLOSEST_TO_CAMERA');
    expect(confident.body.result.details.selectionCriteria).toBe('HIGHEST_CONFIDENCE');
  });

  it('GET /v1/health needs no key and names the models and their versions', async () => {
    const res = await send(`${api.stack.url}/v1/health`, {});
    expect(res.status).toBe(200);
    const ids = res.body.result.models.map((m: { id: string }) => m.id);
    expect(ids).toContain('fr_liveness');
    expect(ids).toContain('fr_detect');
  });
});
