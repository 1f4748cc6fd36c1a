import { distance, type Landmarks } from '../quality/landmarks.js';
import type { BooleanAttribute } from './types.js';

/** Inner-lip gap over mouth width above this: the mouth is open. */
export const MOUTH_OPEN_RATIO = 0.12;

/**
 * Mouth open from the landmarks: the mean gap between the inner upper lip (61-63) and inner lower
 * lip (65-67), over the mouth's corner-to-corner width (48-54). Confidence grows with the distance
 * from the threshold.
 */
export function mouthOpenness(landmarks: Landmarks): number {
  const at = (i: number) => landmarks[i]!;
  const gap = (distance(at(61), at(67)) + distance(at(62), at(66)) + distance(at(63), at(65))) / 3;
  return gap / Math.max(1, distance(at(48), at(54)));
}

export function mouthOpen(landmarks: Landmarks, threshold = MOUTH_OPEN_RATIO): BooleanAttribute {
  const ratio = mouthOpenness(landmarks);
  return { value: ratio > threshold, confidence: booleanConfidence(ratio, threshold, threshold) };
}

/** 50 at the threshold, towards 100 as the measure moves `span` away from it, either way. */
export function booleanConfidence(measure: number, threshold: number, span: number): number {
  const distanceFromThreshold = Math.min(1, Math.abs(measure - threshold) / Math.max(1e-6, span));
  return Math.round((50 + 50 * distanceFromThreshold) * 100) / 100;
}
