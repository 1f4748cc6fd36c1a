import type { QualityConfig } from './config.js';
import type { FaceGeometry, ImageStatistics, QualityMeasurements, QualityStatus } from './types.js';

/**
 * Under-exposed: even the face's highlights are dark, or much of it is crushed to black. Judged on
 * the highlights rather than the mean so a dark-skinned face in good light is not called dull.
 */
export const isUnderExposed = (s: ImageStatistics, c: QualityConfig) =>
  s.highlights < c.minHighlights || s.underExposed > c.maxClipped;
/** Over-exposed: even the face's shadows are bright, or much of it is blown to white. */
export const isOverExposed = (s: ImageStatistics, c: QualityConfig) =>
  s.shadows > c.maxShadows || s.overExposed > c.maxClipped;
export const isBlurred = (s: ImageStatistics, c: QualityConfig) => s.sharpness < c.minSharpness;

const faceRatio = (g: FaceGeometry) => Math.max(g.widthRatio, g.heightRatio);
const minMargin = (g: FaceGeometry) => Math.min(g.margins.left, g.margins.right, g.margins.top, g.margins.bottom);

export const isTooFar = (g: FaceGeometry, facePixels: number, c: QualityConfig) =>
  faceRatio(g) < c.minFaceRatio || facePixels < c.minFacePixels;

/** Head turned away (yaw or pitch beyond its limit); roll alone is a tilt, not a turn. */
export const isHeadTurned = (m: QualityMeasurements, c: QualityConfig) =>
  m.pose !== undefined && (Math.abs(m.pose.yaw) > c.maxYaw || Math.abs(m.pose.pitch) > c.maxPitch);

export const eyesClosed = (m: QualityMeasurements, c: QualityConfig) =>
  m.eyes !== undefined && Math.max(m.eyes.leftOpen, m.eyes.rightOpen) < c.minEyeOpen;

/**
 * Every failing YouLive status for the measurements, in precedence order: the face count, then
 * where the face is (too close first: it is the usual reason a face is cut off; a cropped or tiny face makes the other measures meaningless), then light and
 * focus, then pose and occlusion when those models ran. Empty when the image is valid.
 * INCONSISTENT_DETECTION needs several frames and is never produced from one image; UNKNOWN when
 * the statistics could not be measured.
 */
export function qualityFailures(m: QualityMeasurements, facePixels: number, c: QualityConfig): QualityStatus[] {
  const { geometry: g, statistics: s } = m;
  const failures: QualityStatus[] = [];
  const fail = (status: QualityStatus, when: boolean) => {
    if (when) failures.push(status);
  };
  // A degenerate face region (a box of no area) leaves nothing to measure: say so rather than guess.
  if (!Object.values(s).every(Number.isFinite)) return ['UNKNOWN'];
  fail('MULTIPLE_FACES', m.facesDetected > 1);
  fail('FACE_TOO_CLOSE', faceRatio(g) > c.maxFaceRatio);
  fail('FACE_CROPPED', g.cropped);
  fail('FACE_TOO_FAR', isTooFar(g, facePixels, c));
  fail('FACE_CLOSE_TO_BORDER', !g.cropped && g.borderDistance < c.minBorderDistance);
  fail('FACE_WITHOUT_PADDING', !g.cropped && g.borderDistance >= c.minBorderDistance && minMargin(g) < c.minPadding);
  fail(
    'ILLUMINATION_ERROR',
    isUnderExposed(s, c) || isOverExposed(s, c) || s.unevenness > c.maxUnevenness,
  );
  fail('SHARPNESS_ERROR', isBlurred(s, c));
  fail(
    'FACE_ANGLE_TOO_LARGE',
    m.pose !== undefined && (isHeadTurned(m, c) || Math.abs(m.pose.roll) > c.maxRoll),
  );
  fail('FACE_OCCLUDED', m.occlusionScore !== undefined && m.occlusionScore > c.maxOcclusion);
  return failures;
}

/** The one status reported: the first failure, or VALID_IMAGE. */
export const qualityStatusOf = (failures: readonly QualityStatus[]): QualityStatus => failures[0] ?? 'VALID_IMAGE';
