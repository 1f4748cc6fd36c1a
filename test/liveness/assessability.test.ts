import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { livenessDetails, qualityResult } from '../../functions/liveness/details.js';
import { LivenessEngine } from '../../functions/liveness/engine.js';
import { resolveRules, summarize } from '../../functions/liveness/rules/index.js';
import { decodeImage } from '../../functions/liveness/stages/decode.js';
import { labelledImages, samplePhotos, skipReasonWithoutFaces } from '../helpers/faces.js';

const engine = new LivenessEngine();
beforeAll(() => engine.warmUp());

/** A real photograph with room around the selected face, and a tight crop of that same face. */
async function photoAndTightCrop(): Promise<{ photo: Buffer; tight: Buffer }> {
  const photo = readFileSync(samplePhotos[1]!);
  const box = (await engine.check(photo)).boundingBox;
  // The face box and a little more (1.3x), as tight research crops are cut.
  const meta = await sharp(photo).metadata();
  const side = Math.round(1.3 * Math.max(box.width, box.height));
  const left = Math.max(0, Math.round(box.left + box.width / 2 - side / 2));
  const top = Math.max(0, Math.round(box.top + box.height / 2 - side / 2));
  const region = { left, top, width: Math.min(side, meta.width! - left), height: Math.min(side, meta.height! - top) };
  const tight = await sharp(photo).extract(region).resize(480, 480, { fit: 'fill' }).jpeg().toBuffer();
  return { photo, tight };
}

describe('assessability: the model judges only a face with its surroundings', () => {
  it('judges the face in the full photograph (2.7x crop achieved) and refuses the tight crop of the same face', async () => {
    const { photo, tight } = await photoAndTightCrop();
    const full = await engine.check(photo);
    expect(full.assessability).toMatchObject({ assessable: true, reason: null, cropScaleWanted: 2.7 });
    expect(full.assessability.cropScaleAchieved).toBeGreaterThanOrEqual(engine.config.assessability.minCropScale);
    const crop = await engine.check(tight);
    expect(crop.assessability.assessable).toBe(false);
    expect(crop.assessability.cropScaleAchieved).toBeLessThan(engine.config.assessability.minCropScale);
    expect(crop.assessability.faceFraction).toBeGreaterThan(0.5);
    expect(['FACE_TOO_CLOSE', 'FACE_CROPPED', 'FACE_WITHOUT_PADDING']).toContain(crop.assessability.reason);
  });

  it('answers a tight crop with no live face confirmed, low confidence, assessable false, the score kept, and the status saying why', async () => {
    const { tight } = await photoAndTightCrop();
    const a = await engine.check(tight, { threshold: 0 });
    const details = livenessDetails(a);
    // Even at threshold 0 (every score live) a face the model cannot judge is not called live.
    expect(details.liveFace).toMatchObject({ value: 'no', confidence: 'low', assessable: false });
    expect(details.liveFace.score).toBeCloseTo(a.liveness.score, 4);
    expect(details.assessability).toMatchObject({ assessable: false, reason: a.assessability.reason, cropScaleWanted: 2.7 });
    expect(qualityResult(a).status).toBe(a.assessability.reason);
  });

  it('sends it to manualReview (default) or fail (strict) with the retake reason 205, never pass and never "spoof"', async () => {
    const { tight } = await photoAndTightCrop();
    for (const threshold of [0, 1]) {
      const a = await engine.check(tight, { threshold });
      const byDefault = summarize(a, resolveRules({ plan: 'default' }));
      expect(byDefault.action).toBe('manualReview');
      expect(byDefault.details[0]).toEqual({ code: '205', message: "Hold the phone at arm's length so your head and shoulders are in the picture" });
      expect(byDefault.details.map((d) => d.code)).not.toContain('201');
      const strict = summarize(a, resolveRules({ plan: 'strict' }));
      expect(strict.action).toBe('fail');
      expect(strict.details[0]!.code).toBe('205');
      expect(strict.details.map((d) => d.code)).not.toContain('201');
    }
  });
});

describe('exposure: a blown-out selfie is a lighting finding, not a missing face', () => {
  it('finds the face of sharp(img).linear(1, 170) on a normalised copy and answers ILLUMINATION_ERROR, bright, and a retake', async () => {
    const photo = readFileSync(samplePhotos[1]!);
    const washed = await sharp(photo).linear(1, 170).jpeg().toBuffer();
    // The face cannot be found in the camera's pixels: without the retry this was FACE_NOT_DETECTED.
    expect(await engine.findFaces(await decodeImage(washed))).toEqual([]);
    const a = await engine.check(washed, { qualityChecks: ['bright', 'dull'] });
    expect(a.assessability).toMatchObject({ assessable: false, cause: 'exposure', reason: 'ILLUMINATION_ERROR' });
    expect(a.decision).toMatchObject({ value: 'no', confidence: 'low', assessable: false });
    expect(a.quality.status).toBe('ILLUMINATION_ERROR');
    expect(a.quality.checks.bright?.value).toBe('yes');
    const summary = summarize(a, resolveRules({ plan: 'default' }));
    expect(summary.action).toBe('manualReview');
    expect(summary.details[0]!.code).toBe('206');
    expect(summary.details.map((d) => d.code)).toContain('302');
    expect(summarize(a, resolveRules({ plan: 'strict' })).action).toBe('fail');
  });

  it('still says FACE_NOT_DETECTED for an image without a face, exposed or not', async () => {
    const grey = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#eee' } }).jpeg().toBuffer();
    await expect(engine.check(grey)).rejects.toMatchObject({ code: 'FACE_NOT_DETECTED' });
  });
});

describe('assessability at the merged level', () => {
  it('never confirms a live face in frames that are tight crops, whatever the threshold', async () => {
    const { MergedLiveness } = await import('../../functions/liveness/merged/MergedLiveness.js');
    const { tight } = await photoAndTightCrop();
    const a = await new MergedLiveness(engine).checkFrames([tight, tight, tight], { threshold: 0 });
    expect(a.method).toBe('merged');
    expect(a.assessability.assessable).toBe(false);
    expect(a.decision).toMatchObject({ value: 'no', confidence: 'low', assessable: false });
    expect(a.decision.score).toBe(a.liveness.score);
  });
});

describe.skipIf(skipReasonWithoutFaces('exposure retry on labelled selfies'))('exposure retry on the live selfies of ../shared/faces', () => {
  it('flags every washed-out live selfie ILLUMINATION_ERROR, and answers a lighting retake, never a verdict, when only the normalised copy shows the face', async () => {
    let retried = 0;
    for (const image of labelledImages().filter((i) => i.label === 'live').slice(0, 40)) {
      const washed = await sharp(readFileSync(image.path)).linear(1, 170).jpeg().toBuffer();
      const a = await engine.check(washed).catch(() => undefined);
      if (!a) continue;
      // Found in the camera's pixels or not, a washed-out face is never a valid image.
      expect(a.quality.failures, image.file).toContain('ILLUMINATION_ERROR');
      if (a.assessability.cause !== 'exposure') continue;
      retried++;
      expect(a.decision, image.file).toMatchObject({ value: 'no', confidence: 'low', assessable: false });
      expect(a.quality.status, image.file).toBe('ILLUMINATION_ERROR');
      expect(summarize(a, resolveRules({ plan: 'default' })).details[0]!.code, image.file).toBe('206');
    }
    expect(retried).toBeGreaterThan(0);
  });
});
