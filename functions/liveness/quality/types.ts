/** Image-quality vocabulary: YouLive's statuses and HyperVerge's `qualityChecks.*` flags. */

/** YouLive's quality statuses, in the order they are tested (first failure wins). */
export const QUALITY_STATUSES = [
  'VALID_IMAGE',
  'SHARPNESS_ERROR',
  'ILLUMINATION_ERROR',
  'FACE_TOO_FAR',
  'FACE_TOO_CLOSE',
  'FACE_CLOSE_TO_BORDER',
  'FACE_WITHOUT_PADDING',
  'FACE_CROPPED',
  'FACE_OCCLUDED',
  'FACE_ANGLE_TOO_LARGE',
  'MULTIPLE_FACES',
  'INCONSISTENT_DETECTION',
  'UNKNOWN',
] as const;
export type QualityStatus = (typeof QUALITY_STATUSES)[number];

/** The request names of HyperVerge's 14 quality checks (`qualityChecks.<name>`). */
export const QUALITY_CHECK_NAMES = [
  'blur',
  'eyesClosed',
  'occlusion',
  'multipleFaces',
  'headTurned',
  'hat',
  'eyewear',
  'readingGlasses',
  'sunglasses',
  'dull',
  'bright',
  'nonWhiteBackground',
  'nudity',
  'lowQuality',
] as const;
export type QualityCheckName = (typeof QUALITY_CHECK_NAMES)[number];

/** Checks no shipped model can answer: reported as unsupported, never guessed. */
export const UNSUPPORTED_QUALITY_CHECKS: readonly QualityCheckName[] = [
  'hat',
  'eyewear',
  'readingGlasses',
  'sunglasses',
  'nudity',
];

/**
 * The key each check is answered under in `result.details.qualityChecks`: HyperVerge requests
 * `qualityChecks.occlusion` but answers `qualityChecks.faceOccluded`.
 */
export const QUALITY_CHECK_RESPONSE_KEYS: Readonly<Record<QualityCheckName, string>> = {
  blur: 'blur',
  eyesClosed: 'eyesClosed',
  occlusion: 'faceOccluded',
  multipleFaces: 'multipleFaces',
  headTurned: 'headTurned',
  hat: 'hat',
  eyewear: 'eyewear',
  readingGlasses: 'readingGlasses',
  sunglasses: 'sunglasses',
  dull: 'dull',
  bright: 'bright',
  nonWhiteBackground: 'nonWhiteBackground',
  nudity: 'nudity',
  lowQuality: 'lowQuality',
};

export const isQualityCheckName = (name: string): name is QualityCheckName =>
  (QUALITY_CHECK_NAMES as readonly string[]).includes(name);

/** One check's answer: yes/no with a confidence, or `unsupported` when no model can tell. */
export type QualityCheckResult =
  | { readonly value: 'yes' | 'no'; readonly confidence: 'high' | 'low' }
  | { readonly value: 'unsupported' };

export type QualityCheckResults = Partial<Readonly<Record<QualityCheckName, QualityCheckResult>>>;

/** Head pose in degrees (fr_pose): yaw left/right, pitch up/down, roll in-plane. */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** Face position relative to the image, all fractions (0..1) of the image's width or height. */
export interface FaceGeometry {
  /** Space between the face box and each image edge, as a fraction of the face box's width (left, right) or height (top, bottom). */
  readonly margins: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  /** Face box width / image width. */
  readonly widthRatio: number;
  /** Face box height / image height. */
  readonly heightRatio: number;
  /** Smallest distance from the box to an image edge, as a fraction of that image side. */
  readonly borderDistance: number;
  /** True when the detector's box ran into (or past) an image edge: part of the face is outside. */
  readonly cropped: boolean;
}

/** Image statistics; brightness and sharpness are 0..100 as the 002 API returns them. */
export interface ImageStatistics {
  /** Mean luma of the face region, 0 (black) .. 100 (white). */
  readonly brightness: number;
  /** Focus measure of the face region, 0 (flat) .. 100 (crisp). */
  readonly sharpness: number;
  /** Luma 0..100 of the face's darkest 5% and brightest 5%: exposure judged on the range, not on skin tone. */
  readonly shadows: number;
  readonly highlights: number;
  /** Difference between the mean luma of the face's left and right halves, 0..100 (side lighting). */
  readonly unevenness: number;
  /** Share of face pixels at or under the dark clip level, 0..1. */
  readonly underExposed: number;
  /** Share of face pixels at or over the bright clip level, 0..1. */
  readonly overExposed: number;
  /** Mean luma of the image border strip (background), 0..100. */
  readonly backgroundBrightness: number;
  /** Mean colour saturation of the border strip, 0..100. */
  readonly backgroundSaturation: number;
}

/** Eye state from fr_eye on the two landmark-located eye crops. */
export interface EyeState {
  /** Probability each eye is open, 0..1 (left, right as seen in the image). */
  readonly leftOpen: number;
  readonly rightOpen: number;
}

/** Everything measured about the image and the selected face. Model-backed fields appear only when run. */
export interface QualityMeasurements {
  readonly statistics: ImageStatistics;
  readonly geometry: FaceGeometry;
  readonly facesDetected: number;
  readonly pose?: HeadPose;
  /** 68 landmark points in image pixels (x, y), when the landmark model ran. */
  readonly landmarks?: readonly (readonly [number, number])[];
  /** 0..1: how implausible the lower face's colour is for uncovered skin (see occlusion.ts), when asked for. */
  readonly occlusionScore?: number;
  readonly eyes?: EyeState;
}

/** One measurement a quality status is decided on, against its limit (`bound` min: fails below it; max: above it). */
export interface QualityMeasure {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly bound: 'min' | 'max';
  readonly failed: boolean;
}

export interface QualityAssessment {
  /** The first failure in precedence order, or VALID_IMAGE. */
  readonly status: QualityStatus;
  /** Every failing status found (the reported one first); empty when valid. */
  readonly failures: readonly QualityStatus[];
  /** For each failure that a measurement decided, the measurements and limits it was decided on. */
  readonly evidence: Partial<Readonly<Record<QualityStatus, readonly QualityMeasure[]>>>;
  readonly measurements: QualityMeasurements;
  /** Only the checks the caller asked for. */
  readonly checks: QualityCheckResults;
}
