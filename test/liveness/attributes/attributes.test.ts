import { describe, expect, it } from 'vitest';
import { ageRangeFromEstimate } from '../../../functions/liveness/attributes/ageGender.js';
import { booleanConfidence, mouthOpenness } from '../../../functions/liveness/attributes/mouth.js';
import { smileLift } from '../../../functions/liveness/attributes/smile.js';
import { decodeSsrNet } from '../../../functions/liveness/attributes/ssrNet.js';
import { LivenessEngine } from '../../../functions/liveness/engine.js';
import { livenessDetails } from '../../../functions/liveness/details.js';
import type { Point } from '../../../functions/liveness/quality/landmarks.js';
import { samplePhotos } from '../../helpers/faces.js';
import { selfieVariants, turnedHeadSelfie } from '../quality/faceVariants.js';

const params = { stageNum: [3, 3, 3] as const, lambdaLocal: 1, lambdaD: 1, range: 101 };

describe('SSR-Net decoding', () => {
  it('matches the soft stagewise regression computed by hand', () => {
    // Stage 1 all on bin 2, no offsets, no deltas: 2/3 of the range; stages 2 and 3 on bin 0.
    const out = { prob: [[0, 0, 1], [1, 0, 0], [1, 0, 0]], deltaK: [0, 0, 0], offset: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] } as const;
    expect(decodeSsrNet(out, params)).toBeCloseTo((2 / 3) * 101);
    // Offsets shift the bin, deltas widen it: stage 1 bin 1 + 0.5 offset over 3*(1+0.5); stage 2 bin 2 over 3*1.5*3.
    const shifted = { prob: [[0, 1, 0], [0, 0, 1], [1, 0, 0]], deltaK: [0.5, 0, 0], offset: [[0, 0.5, 0], [0, 0, 0], [0, 0, 0]] } as const;
    expect(decodeSsrNet(shifted, params)).toBeCloseTo((1.5 / 4.5 + 2 / (4.5 * 3)) * 101);
  });

  it('reports an age range around the estimate, never below zero', () => {
    expect(ageRangeFromEstimate(30.4, false)).toEqual({ low: 22, high: 38, value: '22-38', confidence: 'low', estimate: 30.4 });
    expect(ageRangeFromEstimate(3, true)).toMatchObject({ low: 0, high: 11, confidence: 'high' });
  });
});

/** 68 points of a neutral frontal face (iBUG layout), in a 100-unit box, with the mouth shape given. */
function face(mouth: { cornerY: number; gap: number }): Point[] {
  const p: Point[] = Array.from({ length: 68 }, () => [50, 50] as Point);
  for (let i = 36; i < 42; i++) p[i] = [30 + (i - 36), 40];
  for (let i = 42; i < 48; i++) p[i] = [65 + (i - 42), 40];
  p[48] = [35, mouth.cornerY];
  p[54] = [65, mouth.cornerY];
  p[51] = [50, 72];
  p[57] = [50, 82];
  for (const [up, down] of [[61, 67], [62, 66], [63, 65]] as const) {
    p[up] = [45 + (up - 61) * 5, 77 - mouth.gap / 2];
    p[down] = [45 + (67 - down) * 5, 77 + mouth.gap / 2];
  }
  return p;
}

describe('mouth and smile from landmarks', () => {
  it('measures the inner-lip gap over the mouth width', () => {
    expect(mouthOpenness(face({ cornerY: 77, gap: 0 }))).toBe(0);
    expect(mouthOpenness(face({ cornerY: 77, gap: 9 }))).toBeCloseTo(0.3);
  });

  it('sees raised mouth corners as a smile lift, and is unchanged by an in-plane tilt', () => {
    const smiling = face({ cornerY: 71, gap: 0 });
    expect(smileLift(smiling)).toBeCloseTo(6 / 30);
    expect(smileLift(face({ cornerY: 80, gap: 0 }))).toBeLessThan(0);
    const angle = 0.4;
    const rotated = smiling.map(([x, y]) => [x * Math.cos(angle) - y * Math.sin(angle), x * Math.sin(angle) + y * Math.cos(angle)] as Point);
    expect(smileLift(rotated)).toBeCloseTo(smileLift(smiling));
  });

  it('gives 50 at the threshold and 100 far from it', () => {
    expect(booleanConfidence(0.12, 0.12, 0.1)).toBe(50);
    expect(booleanConfidence(0.5, 0.12, 0.1)).toBe(100);
  });
});

describe('attributes on real photos', () => {
  const engine = new LivenessEngine();
  const all = ['ageRange', 'gender', 'eyesOpen', 'mouthOpen', 'smile', 'emotions'] as const;

  it('a frontal selfie: an age range, eyes open, and unsupported gender and emotions', async () => {
    const selfie = await selfieVariants(engine, samplePhotos[5]!);
    const a = await engine.check(selfie.base, { attributes: all });
    const age = a.attributes.ageRange!;
    expect('low' in age && age.low < age.high && age.value === `${age.low}-${age.high}`).toBe(true);
    expect(a.attributes.eyesOpen).toMatchObject({ value: true });
    expect(a.attributes.gender).toMatchObject({ value: 'unsupported' });
    expect(a.attributes.emotions).toMatchObject({ value: 'unsupported' });
    for (const b of [a.attributes.mouthOpen!, a.attributes.smile!]) {
      expect(typeof b.value).toBe('boolean');
      expect(b.confidence).toBeGreaterThanOrEqual(50);
      expect(b.confidence).toBeLessThanOrEqual(100);
    }
    const details = livenessDetails(a);
    expect(details).toMatchObject({ ageRange: age, gender: { value: 'unsupported' }, eyes_open: { value: true } });
    expect(details.quality.brightness).toBeGreaterThan(0);
  });

  it('a face with eyes cast down reads eyes not open', async () => {
    const a = await engine.check(await turnedHeadSelfie(engine, samplePhotos[1]!), { attributes: ['eyesOpen'] });
    expect(a.attributes).toEqual({ eyesOpen: { value: false, confidence: expect.any(Number) } });
  });

  it('answers only what was asked', async () => {
    const a = await engine.check((await selfieVariants(engine, samplePhotos[5]!)).base, { attributes: ['mouthOpen'] });
    expect(Object.keys(a.attributes)).toEqual(['mouthOpen']);
    expect(livenessDetails(a)).not.toHaveProperty('ageRange');
  });
});
