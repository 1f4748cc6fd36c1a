import type { QualityConfig } from './config.js';
import type { FaceGeometry, ImageStatistics, QualityMeasure, QualityMeasurements, QualityStatus } from './types.js';

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

const atMost = (name: string, value: number, limit: number, measured = value): QualityMeasure => ({ name, value, limit, bound: 'max', failed: measured > limit });
const atLeast = (name: string, value: number, limit: number): QualityMeasure => ({ name, value, limit, bound: 'min', failed: value < limit });

/**
 * The measurements and limits a status is decided on (the ones that failed say why it failed), so an
 * answer can cite them: e.g. FACE_ANGLE_TOO_LARGE from roll alone while headTurned (yaw, pitch) is no.
 */
export function qualityMeasures(status: QualityStatus, m: QualityMeasurements, facePixels: number, c: QualityConfig): QualityMeasure[] {
  const { geometry: g, statistics: s } = m;
  switch (status) {
    case 'MULTIPLE_FACES':
      return [atMost('faces', m.facesDetected, 1)];
    case 'FACE_TOO_CLOSE':
      return [atMost('faceRatio', faceRatio(g), c.maxFaceRatio)];
    case 'FACE_TOO_FAR':
      return [atLeast('faceRatio', faceRatio(g), c.minFaceRatio), atLeast('facePixels', facePixels, c.minFacePixels)];
    case 'FACE_CLOSE_TO_BORDER':
      return [atLeast('borderDistance', g.borderDistance, c.minBorderDistance)];
    case 'FACE_WITHOUT_PADDING':
      return [atLeast('padding', minMargin(g), c.minPadding)];
    case 'ILLUMINATION_ERROR':
      return [
        atLeast('highlights', s.highlights, c.minHighlights),
        atMost('shadows', s.shadows, c.maxShadows),
        atMost('underExposed', s.underExposed, c.maxClipped),
        atMost('overExposed', s.overExposed, c.maxClipped),
        atMost('unevenness', s.unevenness, c.maxUnevenness),
      ];
    case 'SHARPNESS_ERROR':
      return [atLeast('sharpness', s.sharpness, c.minSharpness)];
    case 'FACE_ANGLE_TOO_LARGE':
      if (!m.pose) return [];
      // Signed degrees are printed; the limit applies to their size either way.
      return [
        atMost('yaw', m.pose.yaw, c.maxYaw, Math.abs(m.pose.yaw)),
        atMost('pitch', m.pose.pitch, c.maxPitch, Math.abs(m.pose.pitch)),
        atMost('roll', m.pose.roll, c.maxRoll, Math.abs(m.pose.roll)),
      ];
    case 'FACE_OCCLUDED':
      return m.occlusionScore === undefined ? [] : [atMost('occlusion', m.occlusionScore, c.maxOcclusion)];
    default:
      // FACE_CROPPED (the box runs past an edge), INCONSISTENT_DETECTION (frames), UNKNOWN, VALID_IMAGE: no figure to cite.
      return [];
  }
}
