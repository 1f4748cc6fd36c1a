import { describe, expect, it } from 'vitest';
import { aggregateFrameScores, headLogit } from '../../../functions/liveness/merged/head.js';
import { sigmoid } from '../../../functions/liveness/stages/score.js';
import { continueTrack, judgeConsistency } from '../../../functions/liveness/frames/consistency.js';
import type { DecodedImage, FaceBox } from '../../../functions/liveness/types.js';

const box = (x1: number, y1: number, w: number, confidence = 0.9): FaceBox => ({ x1, y1, x2: x1 + w, y2: y1 + w, confidence });
/** A frame of flat grey with a different level per frame (never identical unless asked). */
const frame = (level: number): DecodedImage => ({ format: 'jpeg', width: 64, height: 48, rgb: Buffer.alloc(64 * 48 * 3, level) });

describe('frame aggregation (the merged level)', () => {
  it('averages the lower half of the frame scores, always including the lowest', () => {
    expect(aggregateFrameScores([0.8])).toBe(0.8);
    expect(aggregateFrameScores([0.9, 0.1])).toBe(0.1);
    expect(aggregateFrameScores([0.9, 0.8, 0.7, 0.05])).toBeCloseTo(0.375, 10);
    expect(aggregateFrameScores([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.02])).toBeCloseTo((0.02 + 0.9 * 3) / 4, 10);
    expect(() => aggregateFrameScores([])).toThrow(/no frame scores/);
  });

  it('applies the head on standardised features', () => {
    const head = { mean: [1, 2], scale: [2, 4], weights: [1, -1], bias: 0.5 };
    expect(headLogit(head, [3, 6])).toBeCloseTo(0.5 + 1 - 1, 10);
    expect(sigmoid(0)).toBe(0.5);
    expect(() => headLogit(head, [1])).toThrow(/expects 2 features/);
  });
});

describe('following one face across frames', () => {
  it('continues the track with the face that overlaps most, not the larger one', () => {
    const previous = box(10, 10, 20);
    expect(continueTrack(previous, [box(40, 0, 30), box(12, 11, 20)])).toEqual(box(12, 11, 20));
  });

  it('measures centre shift (face widths) and size ratio between consecutive frames', () => {
    const frames = [frame(10), frame(20), frame(30)];
    const faces = [[box(10, 10, 20)], [box(14, 10, 20)], [box(14, 10, 25)]];
    const c = judgeConsistency(frames, faces, { index: 0, face: faces[0]![0]! });
    expect(c.maxCentreShift).toBeCloseTo(0.2, 6);
    expect(c.maxSizeRatio).toBeCloseTo(1.25, 6);
    expect(c.reasons).toEqual([]);
  });

  it('names every inconsistency: a missing face, several faces, a jump, a size jump, an identical frame', () => {
    const frames = [frame(10), frame(10), frame(30), frame(40)];
    const faces = [[box(0, 0, 10)], [box(0, 0, 10), box(40, 30, 8)], [box(30, 0, 16)], []];
    const c = judgeConsistency(frames, faces, { index: 0, face: faces[0]![0]! });
    expect(c.reasons).toEqual(['FRAME_WITHOUT_FACE', 'SEVERAL_FACES', 'FACE_JUMP', 'FACE_SIZE_JUMP', 'IDENTICAL_FRAMES']);
    expect(c.identicalPairs).toEqual([[0, 1]]);
    expect(c.track[3]).toBeUndefined();
    expect(c.facesPerFrame).toEqual([1, 2, 1, 0]);
  });
});
