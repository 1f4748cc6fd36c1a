import { distance, type Landmarks } from '../quality/landmarks.js';
import { booleanConfidence } from './mouth.js';
import type { BooleanAttribute } from './types.js';

/** Mouth corners raised above the lips' midline by more than this share of the mouth width: a smile. */
export const SMILE_LIFT = 0.12;

/**
 * How far the mouth corners (48, 54) sit above the midpoint of the outer lips' centre (51 top,
 * 57 bottom), as a share of the mouth width: positive when the corners are raised (a smile),
 * about zero or negative for a neutral or downturned mouth. Roll-safe: measured along the
 * face's vertical axis, perpendicular to the line between the eye centres.
 */
export function smileLift(landmarks: Landmarks): number {
  const at = (i: number) => landmarks[i]!;
  const eyeL = landmarks.slice(36, 42).reduce((a, p) => [a[0] + p[0] / 6, a[1] + p[1] / 6], [0, 0]);
  const eyeR = landmarks.slice(42, 48).reduce((a, p) => [a[0] + p[0] / 6, a[1] + p[1] / 6], [0, 0]);
  const ex = eyeR[0] - eyeL[0];
  const ey = eyeR[1] - eyeL[1];
  const norm = Math.hypot(ex, ey) || 1;
  // Unit vector pointing down the face (eye line rotated by +90 degrees).
  const down = [-ey / norm, ex / norm] as const;
  const depth = (p: readonly [number, number]) => p[0] * down[0] + p[1] * down[1];
  const midline = (depth(at(51)) + depth(at(57))) / 2;
  const corners = (depth(at(48)) + depth(at(54))) / 2;
  return (midline - corners) / Math.max(1, distance(at(48), at(54)));
}

export function smile(landmarks: Landmarks, threshold = SMILE_LIFT): BooleanAttribute {
  const lift = smileLift(landmarks);
  return { value: lift > threshold, confidence: booleanConfidence(lift, threshold, 0.1) };
}
