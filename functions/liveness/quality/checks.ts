import type { QualityConfig } from './config.js';
import { eyesClosed, isBlurred, isHeadTurned, isOverExposed, isTooFar, isUnderExposed } from './status.js';
import {
  type QualityCheckName,
  type QualityCheckResult,
  type QualityCheckResults,
  type QualityMeasurements,
  UNSUPPORTED_QUALITY_CHECKS,
} from './types.js';

/** Which measurement families each computable check needs (unsupported checks need none). */
export type MeasurementFamily = 'statistics' | 'pose' | 'landmarks' | 'eyes' | 'occlusion';

export const CHECK_NEEDS: Readonly<Record<QualityCheckName, readonly MeasurementFamily[]>> = {
  blur: ['statistics'],
  eyesClosed: ['landmarks', 'eyes'],
  occlusion: ['occlusion'],
  multipleFaces: [],
  headTurned: ['pose'],
  hat: [],
  eyewear: [],
  readingGlasses: [],
  sunglasses: [],
  dull: ['statistics'],
  bright: ['statistics'],
  nonWhiteBackground: ['statistics'],
  nudity: [],
  lowQuality: ['statistics'],
};

/** The model-backed families a set of checks needs, so the engine runs nothing else. */
export function familiesFor(checks: readonly QualityCheckName[]): Set<MeasurementFamily> {
  return new Set(checks.flatMap((check) => CHECK_NEEDS[check]));
}

/** Low confidence when a measurement sits within `margin` (relative) of the threshold it was compared to. */
export function confidenceNear(value: number, threshold: number, margin: number, scale = Math.abs(threshold)): 'high' | 'low' {
  return Math.abs(value - threshold) < margin * Math.max(scale, 1e-6) ? 'low' : 'high';
}

const answer = (yes: boolean, confidence: 'high' | 'low'): QualityCheckResult => ({ value: yes ? 'yes' : 'no', confidence });

/** One check's answer from the measurements; checks whose measurements are missing cannot be answered. */
export function qualityCheck(
  name: QualityCheckName,
  m: QualityMeasurements,
  facePixels: number,
  c: QualityConfig,
): QualityCheckResult {
  if (UNSUPPORTED_QUALITY_CHECKS.includes(name)) return { value: 'unsupported' };
  const s = m.statistics;
  const margin = c.lowConfidenceMargin;
  switch (name) {
    case 'blur':
      return answer(isBlurred(s, c), confidenceNear(s.sharpness, c.minSharpness, margin));
    case 'dull':
      return answer(isUnderExposed(s, c), confidenceNear(s.highlights, c.minHighlights, margin));
    case 'bright':
      return answer(isOverExposed(s, c), confidenceNear(s.shadows, c.maxShadows, margin));
    case 'multipleFaces':
      return answer(m.facesDetected > 1, 'high');
    case 'nonWhiteBackground': {
      const white = s.backgroundBrightness >= c.minBackgroundBrightness && s.backgroundSaturation <= c.maxBackgroundSaturation;
      return answer(!white, confidenceNear(s.backgroundBrightness, c.minBackgroundBrightness, margin));
    }
    case 'lowQuality': {
      const low = isBlurred(s, c) || isUnderExposed(s, c) || isOverExposed(s, c) || isTooFar(m.geometry, facePixels, c);
      return answer(low, confidenceNear(s.sharpness, c.minSharpness, margin));
    }
    case 'headTurned': {
      if (!m.pose) return { value: 'unsupported' };
      const worst = Math.max(Math.abs(m.pose.yaw) / c.maxYaw, Math.abs(m.pose.pitch) / c.maxPitch);
      return answer(isHeadTurned(m, c), confidenceNear(worst, 1, margin));
    }
    case 'occlusion':
      if (m.occlusionScore === undefined) return { value: 'unsupported' };
      return answer(m.occlusionScore > c.maxOcclusion, confidenceNear(m.occlusionScore, c.maxOcclusion, margin));
    case 'eyesClosed': {
      if (!m.eyes) return { value: 'unsupported' };
      const open = Math.max(m.eyes.leftOpen, m.eyes.rightOpen);
      return answer(eyesClosed(m, c), confidenceNear(open, c.minEyeOpen, margin));
    }
    default:
      return { value: 'unsupported' };
  }
}

/** Answers for exactly the requested checks, nothing else. */
export function qualityChecks(
  requested: readonly QualityCheckName[],
  m: QualityMeasurements,
  facePixels: number,
  c: QualityConfig,
): QualityCheckResults {
  return Object.fromEntries(requested.map((name) => [name, qualityCheck(name, m, facePixels, c)]));
}
