import illumination from '../../../web/illumination.json' with { type: 'json' };

/** How a face's lighting is measured and judged, shared with the capture component (web/illumination.json). */
export const ILLUMINATION_CRITERIA = Object.freeze(illumination);

/** Quality thresholds, in one typed place. Units follow the measurements in types.ts. */
export interface QualityConfig {
  /** Face sharpness 0..100 below this is SHARPNESS_ERROR / blur. */
  readonly minSharpness: number;
  /** Face highlights (brightest 5%, 0..100) below this: under-exposed (dull, ILLUMINATION_ERROR). */
  readonly minHighlights: number;
  /**
   * Face shadows (darkest 5%, 0..100) above this: over-exposed (bright, ILLUMINATION_ERROR). On the
   * 946 faces of ../shared/faces + ../shared/train-faces they read at most 60 (99th percentile 47.5);
   * a washed-out copy (every pixel +170, `sharp().linear(1, 170)`) reads at least 66.7.
   */
  readonly maxShadows: number;
  /** Share of face pixels clipped to black (dull) or white (bright) above this is an exposure failure. */
  readonly maxClipped: number;
  /** Left/right face luma difference 0..100 above this is uneven lighting (ILLUMINATION_ERROR). */
  readonly maxUnevenness: number;
  /** The larger of face width/image width and face height/image height, below min: FACE_TOO_FAR; above max: FACE_TOO_CLOSE. */
  readonly minFaceRatio: number;
  readonly maxFaceRatio: number;
  /** A face narrower than this many pixels is FACE_TOO_FAR whatever the image size (too few pixels to judge). */
  readonly minFacePixels: number;
  /** Distance from the face box to the nearest image edge, as a fraction of that side, below this: FACE_CLOSE_TO_BORDER. */
  readonly minBorderDistance: number;
  /** Space on any side of the face, as a fraction of the face size, below this: FACE_WITHOUT_PADDING. */
  readonly minPadding: number;
  /** Head pose limits in degrees: beyond yaw/pitch the head is turned; beyond any, FACE_ANGLE_TOO_LARGE. */
  readonly maxYaw: number;
  readonly maxPitch: number;
  readonly maxRoll: number;
  /** Occlusion score 0..1 above this: FACE_OCCLUDED / faceOccluded. */
  readonly maxOcclusion: number;
  /** Eye-open probability below this for both eyes: eyesClosed. */
  readonly minEyeOpen: number;
  /** Background (image border) brighter than this 0..100 and less saturated than the max 0..100 is white. */
  readonly minBackgroundBrightness: number;
  readonly maxBackgroundSaturation: number;
  /** A measurement within this fraction of its threshold is answered with low confidence. */
  readonly lowConfidenceMargin: number;
}

export const DEFAULT_QUALITY_CONFIG: QualityConfig = {
  minSharpness: 45,
  // The illumination criteria are shared with the browser's framing hints (web/illumination.js).
  minHighlights: illumination.minHighlights,
  maxShadows: illumination.maxShadows,
  maxClipped: illumination.maxClipped,
  maxUnevenness: illumination.maxUnevenness,
  minFaceRatio: 0.12,
  maxFaceRatio: 0.8,
  minFacePixels: 48,
  minBorderDistance: 0.05,
  minPadding: 0.2,
  maxYaw: 25,
  maxPitch: 25,
  maxRoll: 25,
  maxOcclusion: 0.5,
  minEyeOpen: 0.5,
  minBackgroundBrightness: 75,
  maxBackgroundSaturation: 15,
  lowConfidenceMargin: 0.15,
};
