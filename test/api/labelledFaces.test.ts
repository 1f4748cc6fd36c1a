import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LivenessEngine } from '../../functions/liveness/engine.js';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';
import { type ApiStack, checkJson, checkMultipart, startApiStack } from './apiStack.js';

/**
 * The API decides exactly what the engine decides on the same bytes (nothing lost in base64
 * events, multipart or JSON), on labelled live and spoof photos from ../shared/faces.
 */
describe.skipIf(skipReasonWithoutFaces('API on ../shared/faces'))('API = engine on labelled images', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  const engine = new LivenessEngine();
  const pick = (label: string, n: number) => labelledImages().filter((i) => i.label === label).slice(0, n);
  const images = () => [...pick('live', 3), ...pick('spoof', 3)];

  beforeAll(async () => {
    api = await startApiStack();
    headers = (await api.createApp('standard')).headers;
    await engine.warmUp();
  });
  afterAll(async () => api?.stop());

  it('gives the engine\'s score, decision and face box for each image, by multipart and by JSON', async () => {
    for (const image of images()) {
      const bytes = readFileSync(image.path);
      const direct = await engine.check(bytes);
      const viaForm = await checkMultipart(api, headers, bytes);
      const viaJson = await checkJson(api, headers, { image: `data:image/png;base64,${bytes.toString('base64')}` });
      for (const res of [viaForm, viaJson]) {
        expect(res.status, image.file).toBe(200);
        const live = res.body.result.details.liveFace;
        expect(live.value, image.file).toBe(direct.decision.value);
        expect(live.score, image.file).toBeCloseTo(direct.decision.score, 4);
        expect(res.body.result.details.face.boundingBox, image.file).toEqual(direct.boundingBox);
      }
    }
  });

  it('answers the labelled no-face images with 422 and code 121, or judges the face the detector found', async () => {
    for (const image of pick('noface', 5)) {
      const bytes = readFileSync(image.path);
      const res = await checkMultipart(api, headers, bytes);
      const direct = await engine.check(bytes).then(
        () => 200,
        () => 422,
      );
      expect(res.status, image.file).toBe(direct);
      if (res.status === 422) expect(res.body.result.summary.details[0].code).toBe('121');
    }
  });
});
