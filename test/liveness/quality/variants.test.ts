import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LivenessEngine } from '../../../functions/liveness/engine.js';
import { QUALITY_CHECK_NAMES, type QualityCheckName, type QualityStatus } from '../../../functions/liveness/quality/types.js';
import { labelledImages, samplePhotos, skipReasonWithoutFaces } from '../../helpers/faces.js';
import { type SelfieVariants, selfieVariants, turnedHeadSelfie, type VariantKind } from './faceVariants.js';

const engine = new LivenessEngine();
const ALL_CHECKS = QUALITY_CHECK_NAMES;
const check = (bytes: Buffer) => engine.check(bytes, { qualityStatus: 'full', qualityChecks: ALL_CHECKS });
const yes = (checks: Partial<Record<QualityCheckName, { value: string }>>) =>
  Object.entries(checks)
    .filter(([, r]) => r.value === 'yes')
    .map(([name]) => name)
    .sort();

// Real photos from @vladmandic/face-api: sample6 (a woman facing the camera), sample2 (a profile, eyes cast down).
const [, sample2, , , , sample6] = samplePhotos as [string, string, string, string, string, string];

describe('quality status and checks on a real selfie and degraded copies of it', () => {
  let selfie: SelfieVariants;
  beforeAll(async () => {
    await engine.warmUp();
    selfie = await selfieVariants(engine, sample6);
  });

  it('the untouched selfie is VALID_IMAGE and every computable check but the background answers no', async () => {
    const a = await check(selfie.base);
    expect(a.quality.status).toBe('VALID_IMAGE');
    expect(a.quality.failures).toEqual([]);
    // Its background is window blinds and wood: not white.
    expect(yes(a.quality.checks)).toEqual(['nonWhiteBackground']);
    for (const name of ['hat', 'eyewear', 'readingGlasses', 'sunglasses', 'nudity'] as const) {
      expect(a.quality.checks[name]).toEqual({ value: 'unsupported' });
    }
  });

  const cases: [VariantKind, QualityStatus, QualityCheckName[]][] = [
    ['dark', 'ILLUMINATION_ERROR', ['dull', 'lowQuality']],
    ['overExposed', 'ILLUMINATION_ERROR', ['bright', 'lowQuality']],
    ['blurred', 'SHARPNESS_ERROR', ['blur', 'lowQuality']],
    ['far', 'FACE_TOO_FAR', ['lowQuality']],
    ['close', 'FACE_TOO_CLOSE', []],
    ['cropped', 'FACE_CROPPED', []],
    ['border', 'FACE_CLOSE_TO_BORDER', []],
    ['tight', 'FACE_WITHOUT_PADDING', []],
    ['tilted', 'FACE_ANGLE_TOO_LARGE', []],
  ];
  it.each(cases)('a %s copy is %s and raises %j', async (kind, status, checks) => {
    const a = await check(await selfie.make(kind));
    expect(a.quality.status).toBe(status);
    for (const name of checks) expect(a.quality.checks[name]).toMatchObject({ value: 'yes' });
  });

  it('tells a white background from a grey one around the same face', async () => {
    const white = await check(await selfie.make('onWhite'));
    const grey = await check(await selfie.make('far'));
    expect(white.quality.checks.nonWhiteBackground).toMatchObject({ value: 'no' });
    expect(grey.quality.checks.nonWhiteBackground).toMatchObject({ value: 'yes' });
  });

  it('a masked copy of another real face is FACE_OCCLUDED and faceOccluded', async () => {
    const other = await selfieVariants(engine, samplePhotos[2]!);
    const before = await check(other.base);
    expect(before.quality.failures).not.toContain('FACE_OCCLUDED');
    const a = await check(await other.make('masked'));
    expect(a.quality.failures).toContain('FACE_OCCLUDED');
    expect(a.quality.checks.occlusion).toMatchObject({ value: 'yes' });
  });

  it('reports brightness and sharpness 0..100 that fall when the image is darkened or blurred', async () => {
    const base = (await engine.check(selfie.base)).quality.measurements.statistics;
    const dark = (await engine.check(await selfie.make('dark'))).quality.measurements.statistics;
    const blurred = (await engine.check(await selfie.make('blurred'))).quality.measurements.statistics;
    for (const s of [base, dark, blurred]) {
      expect(s.brightness).toBeGreaterThanOrEqual(0);
      expect(s.brightness).toBeLessThanOrEqual(100);
      expect(s.sharpness).toBeGreaterThanOrEqual(0);
      expect(s.sharpness).toBeLessThanOrEqual(100);
    }
    expect(dark.brightness).toBeLessThan(base.brightness / 2);
    expect(blurred.sharpness).toBeLessThan(base.sharpness / 2);
  });
});

describe('pose and eye checks on a real turned head', () => {
  it('a profile with eyes cast down is FACE_ANGLE_TOO_LARGE, headTurned and eyesClosed', async () => {
    const a = await check(await turnedHeadSelfie(engine, sample2));
    expect(a.faces).toHaveLength(1);
    expect(a.quality.status).toBe('FACE_ANGLE_TOO_LARGE');
    expect(a.quality.checks.headTurned).toMatchObject({ value: 'yes' });
    expect(a.quality.checks.eyesClosed).toMatchObject({ value: 'yes' });
    expect(Math.abs(a.quality.measurements.pose!.yaw)).toBeGreaterThan(45);
  });

  it('the frontal selfie is not turned and its eyes are open', async () => {
    const a = await check((await selfieVariants(engine, sample6)).base);
    expect(a.quality.checks.headTurned).toMatchObject({ value: 'no' });
    expect(a.quality.checks.eyesClosed).toMatchObject({ value: 'no' });
  });
});

describe('several faces', () => {
  it('a group photo is MULTIPLE_FACES and multipleFaces', async () => {
    const a = await engine.check(readFileSync(samplePhotos[3]!), { qualityChecks: ['multipleFaces'] });
    expect(a.faces.length).toBeGreaterThan(1);
    expect(a.quality.status).toBe('MULTIPLE_FACES');
    expect(a.quality.checks).toEqual({ multipleFaces: { value: 'yes', confidence: 'high' } });
  });
});

describe.skipIf(skipReasonWithoutFaces('quality on labelled live photos'))('quality on the labelled live photos', () => {
  it('calls at least 95% of genuine captures neither too dark, too bright nor blurred, across skin tones', async () => {
    const live = labelledImages().filter((image) => image.label === 'live');
    let lightOrFocusFailures = 0;
    for (const image of live) {
      const a = await engine.check(readFileSync(image.path));
      if (a.quality.failures.some((f) => f === 'ILLUMINATION_ERROR' || f === 'SHARPNESS_ERROR')) lightOrFocusFailures++;
    }
    expect(live.length).toBeGreaterThan(50);
    expect(lightOrFocusFailures / live.length).toBeLessThanOrEqual(0.05);
  });
});
