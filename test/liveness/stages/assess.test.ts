import { describe, expect, it } from 'vitest';
import { achievedCropScale, assessFraming, exposureNotAssessable } from '../../../functions/liveness/stages/assess.js';
import { decideLiveness } from '../../../functions/liveness/stages/decide.js';
import { lumaPercentiles, normaliseExposure } from '../../../functions/liveness/stages/exposure.js';
import type { DecodedImage } from '../../../functions/liveness/types.js';

const config = { minCropScale: 1.8, maxFaceRatio: 0.8 };
const image = { width: 640, height: 480 };
const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2, confidence: 0.99 });

describe('assessFraming (pure)', () => {
  it('is assessable when the 2.7x crop fits: a face with its surroundings', () => {
    const a = assessFraming(image, box(280, 200, 360, 280), 2.7, config);
    expect(a).toMatchObject({ assessable: true, cause: null, reason: null, cropScaleWanted: 2.7, cropScaleAchieved: 2.7 });
    expect(a.faceFraction).toBeCloseTo(80 / 480, 6);
  });

  it('measures the crop scale the image allows, and refuses below the configured minimum', () => {
    // A 300 px tall face in 480 px: at most 479/300 = 1.6x fits.
    const a = assessFraming(image, box(170, 90, 470, 390), 2.7, config);
    expect(a.cropScaleAchieved).toBeCloseTo(479 / 300, 6);
    expect(a).toMatchObject({ assessable: false, cause: 'framing', reason: 'FACE_WITHOUT_PADDING' });
    expect(assessFraming(image, box(170, 90, 470, 390), 2.7, { ...config, minCropScale: 1.5 }).assessable).toBe(true);
  });

  it('names the framing fault: too close over 80% of the frame, else cropped at an edge', () => {
    expect(assessFraming(image, box(100, 10, 500, 470), 2.7, config).reason).toBe('FACE_TOO_CLOSE');
    expect(assessFraming(image, box(200, 0, 500, 330), 2.7, config).reason).toBe('FACE_CROPPED');
  });

  it('an exposure-normalised find is never assessable, whatever the framing', () => {
    const framed = assessFraming(image, box(280, 200, 360, 280), 2.7, config);
    expect(exposureNotAssessable(framed)).toMatchObject({ assessable: false, cause: 'exposure', reason: 'ILLUMINATION_ERROR', cropScaleAchieved: 2.7 });
  });

  it('caps the achieved scale at the wanted one', () => {
    expect(achievedCropScale(image, box(300, 220, 340, 260), 2.7)).toBe(2.7);
  });
});

describe('decideLiveness on a presentation that is not assessable', () => {
  it("answers no with low confidence whatever the score, and keeps the score", () => {
    const d = decideLiveness({ score: 0.999, probabilities: [] }, { threshold: 0.5, borderline: 0.15 }, { assessable: false });
    expect(d).toEqual({ value: 'no', confidence: 'low', score: 0.999, threshold: 0.5, assessable: false });
  });
});

describe('normaliseExposure (pure)', () => {
  const flat = (values: (i: number) => number): DecodedImage => {
    const rgb = Buffer.alloc(100 * 100 * 3);
    for (let i = 0; i < 100 * 100; i++) rgb.fill(values(i), 3 * i, 3 * i + 3);
    return { format: 'png', width: 100, height: 100, rgb };
  };

  it('stretches a washed-out image (170..255) to the full range', () => {
    const washed = flat((i) => 170 + (i % 86));
    const out = normaliseExposure(washed)!;
    expect(out).not.toBeNull();
    const p = lumaPercentiles(out);
    expect(p.low).toBeLessThan(10);
    expect(p.high).toBeGreaterThan(245);
    expect(Math.abs(p.median - 128)).toBeLessThan(20);
  });

  it('leaves a well-exposed image alone (null: a retry could not help)', () => {
    expect(normaliseExposure(flat((i) => i % 256))).toBeNull();
  });
});
