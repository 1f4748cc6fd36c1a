import { describe, expect, it } from 'vitest';
import { scaledFaceRegion } from '../../../functions/liveness/stages/crop.js';
import { decideLiveness } from '../../../functions/liveness/stages/decide.js';
import { detectorInput, iou, nonMaximumSuppression, placement } from '../../../functions/liveness/stages/detect.js';
import { interleavedToPlanes, resampleArea } from '../../../functions/liveness/stages/resample.js';
import { softmax } from '../../../functions/liveness/stages/score.js';
import { selectFace, toBoundingBox } from '../../../functions/liveness/stages/select.js';
import type { DecodedImage, FaceBox } from '../../../functions/liveness/types.js';

const box = (x1: number, y1: number, x2: number, y2: number, confidence = 0.9): FaceBox => ({ x1, y1, x2, y2, confidence });
const image = (width: number, height: number, fill = 0): DecodedImage => ({
  format: 'png',
  width,
  height,
  rgb: Buffer.alloc(width * height * 3, fill),
});

describe('detect: non-maximum suppression', () => {
  it('keeps the best of overlapping boxes and every separate one', () => {
    const kept = nonMaximumSuppression([box(0, 0, 10, 10, 0.8), box(1, 1, 11, 11, 0.95), box(50, 50, 60, 60, 0.7)], 0.4);
    expect(kept.map((b) => b.confidence)).toEqual([0.95, 0.7]);
  });
  it('computes intersection over union', () => {
    expect(iou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150);
    expect(iou(box(0, 0, 10, 10), box(20, 20, 30, 30))).toBe(0);
  });
});

describe('select', () => {
  const img = image(100, 100);
  const big = box(0, 0, 40, 40, 0.8);
  const central = box(45, 45, 55, 55, 0.85);
  const sure = box(70, 0, 90, 20, 0.99);
  it.each([
    ['CLOSEST_TO_CAMERA', big],
    ['CLOSEST_TO_CENTER', central],
    ['HIGHEST_CONFIDENCE', sure],
  ] as const)('%s picks the right face', (criteria, expected) => {
    expect(selectFace([big, central, sure], img, criteria)).toBe(expected);
  });
  it('returns nothing when there is no face, and integer boxes', () => {
    expect(selectFace([], img, 'CLOSEST_TO_CAMERA')).toBeUndefined();
    expect(toBoundingBox(box(1.4, 2.6, 11.5, 20.2))).toEqual({ left: 1, top: 3, width: 11, height: 17 });
  });
});

describe('crop: the liveness region', () => {
  it('scales the face box around its centre and shifts it inside the image', () => {
    expect(scaledFaceRegion(image(1000, 1000), box(400, 400, 500, 500), 2.7)).toEqual({ left: 315, top: 315, width: 270, height: 270 });
    const shifted = scaledFaceRegion(image(1000, 1000), box(0, 0, 100, 100), 2.7);
    expect(shifted).toEqual({ left: 0, top: 0, width: 270, height: 270 });
  });
  it('caps the scale so the region fits the image', () => {
    const region = scaledFaceRegion(image(300, 200), box(50, 20, 250, 180), 2.7);
    expect(region.left).toBeGreaterThanOrEqual(0);
    expect(region.top).toBeGreaterThanOrEqual(0);
    expect(region.left + region.width).toBeLessThanOrEqual(300);
    expect(region.top + region.height).toBeLessThanOrEqual(200);
  });
});

describe('resampleArea', () => {
  it('averages the source pixels under each output pixel', () => {
    const img = image(4, 2);
    // Left half white, right half black: a 2x1 output is exactly white then black.
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) img.rgb.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    expect(Array.from(resampleArea(img, { left: 0, top: 0, width: 4, height: 2 }, 2, 1))).toEqual([255, 255, 255, 0, 0, 0]);
    // One output pixel over everything is the mean.
    expect(Array.from(resampleArea(img, { left: 0, top: 0, width: 4, height: 2 }, 1, 1))).toEqual([127.5, 127.5, 127.5]);
  });
  it('weights partly covered pixels by the share covered', () => {
    const img = image(3, 1);
    img.rgb.fill(90, 0, 3);
    const [r] = resampleArea(img, { left: 0, top: 0, width: 3, height: 1 }, 2, 1);
    expect(r).toBeCloseTo(90 * (1 / 1.5), 4);
  });
});

describe('detector input', () => {
  const noisy = (width: number, height: number): DecodedImage => {
    const img = image(width, height);
    for (let i = 0; i < img.rgb.length; i++) img.rgb[i] = (i * 37 + (i >> 7) * 11) & 255;
    return img;
  };
  const exact = (img: DecodedImage) => {
    const place = placement(img, 0);
    const data = new Float32Array(3 * 320 * 240);
    const pixels = resampleArea(img, { left: 0, top: 0, width: img.width, height: img.height }, place.width, place.height);
    return interleavedToPlanes(pixels, 'RGB', 127, 1 / 128, { data, ...place, planeWidth: 320, planeHeight: 240 });
  };
  const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  it('takes 2x2 means straight into the planes for a frame twice its size: the exact area resampling', () => {
    const img = noisy(640, 480);
    expect(maxDifference(detectorInput(img, placement(img, 0)), exact(img))).toBeLessThan(1e-5);
  });

});

describe('score and decide', () => {
  it('softmax sums to one and keeps the order', () => {
    const p = softmax([2, 0, -1]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[0]).toBeGreaterThan(p[1]!);
    expect(softmax([1000, 0, 0])[0]).toBeCloseTo(1, 10);
  });
  it('decides yes at or above the threshold, with low confidence near it', () => {
    const at = (score: number) => decideLiveness({ score, probabilities: [score] }, { threshold: 0.6, borderline: 0.15 });
    expect(at(0.6)).toMatchObject({ value: 'yes', confidence: 'low' });
    expect(at(0.95)).toMatchObject({ value: 'yes', confidence: 'high' });
    expect(at(0.5)).toMatchObject({ value: 'no', confidence: 'low' });
    expect(at(0.1)).toMatchObject({ value: 'no', confidence: 'high' });
  });
});
