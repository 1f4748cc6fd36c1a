import type { QualityCheckName, QualityStatus } from '../quality/types.js';

/**
 * Every reason code the service can put in `summary.details[].code`, with its default message.
 * Codes are stable strings (HyperVerge style): 1xx request/API errors, 2xx liveness, 3xx quality
 * status (YouLive), 4xx quality checks (HyperVerge `qualityChecks.*`). Never renumber a code.
 */
export const REASON_CODES = {
  // 1xx: the request could not be assessed (used in error bodies).
  SERVER_ERROR: { code: '110', message: 'Server error. Please contact support' },
  UNSUPPORTED_FILE_TYPE: { code: '111', message: 'Unsupported file type: send a JPEG, PNG, WebP or BMP image' },
  PARSE_ERROR: { code: '112', message: 'The request body could not be parsed' },
  EMPTY_IMAGE: { code: '113', message: 'The image is empty' },
  CORRUPT_IMAGE: { code: '114', message: 'The image data is truncated or corrupt' },
  IMAGE_TOO_LARGE: { code: '115', message: 'The image is too large' },
  IMAGE_TOO_SMALL: { code: '116', message: 'The image is too small to judge a face' },
  FACE_NOT_DETECTED: { code: '121', message: 'Face not detected in selfie image' },
  // 2xx: liveness.
  SPOOF: { code: '201', message: 'Face is not live: presentation attack suspected' },
  BORDERLINE_SPOOF: { code: '202', message: 'Liveness score is just below the threshold: retake the selfie facing the camera in even light' },
  BORDERLINE_LIVE: { code: '203', message: 'Liveness score is just above the threshold' },
  LOW_LIVENESS_SCORE: { code: '204', message: 'Liveness score is below the rules document minimum' },
  // Not assessable: no verdict was given; the person can fix the capture and retake.
  RETAKE_FRAMING: { code: '205', message: "Hold the phone at arm's length so your head and shoulders are in the picture" },
  RETAKE_EXPOSURE: { code: '206', message: 'Retake in even light: the face is too dark or too bright to judge' },
  // 3xx: quality status (one per non-valid YouLive status).
  SHARPNESS_ERROR: { code: '301', message: 'Image is too blurred' },
  ILLUMINATION_ERROR: { code: '302', message: 'Lighting is too dark, too bright or uneven' },
  FACE_TOO_FAR: { code: '303', message: 'Face is too small: move closer to the camera' },
  FACE_TOO_CLOSE: { code: '304', message: 'Face is too close to the camera' },
  FACE_CLOSE_TO_BORDER: { code: '305', message: 'Face is too close to the image edge' },
  FACE_WITHOUT_PADDING: { code: '306', message: 'Face lacks background space around it' },
  FACE_CROPPED: { code: '307', message: 'Face is partially outside the image' },
  FACE_OCCLUDED: { code: '308', message: 'Face is partially covered' },
  FACE_ANGLE_TOO_LARGE: { code: '309', message: 'Head is turned or tilted too far' },
  MULTIPLE_FACES: { code: '310', message: 'More than one face in the image' },
  INCONSISTENT_DETECTION: { code: '311', message: 'Face position varies too much across frames' },
  UNKNOWN: { code: '312', message: 'Image quality could not be established' },
  // 4xx: requested quality checks answering yes.
  CHECK_BLUR: { code: '401', message: 'Image is blurred' },
  CHECK_EYES_CLOSED: { code: '402', message: 'Eyes are closed' },
  CHECK_FACE_OCCLUDED: { code: '403', message: 'Face is occluded' },
  CHECK_MULTIPLE_FACES: { code: '404', message: 'Multiple faces detected' },
  CHECK_HEAD_TURNED: { code: '405', message: 'Head is turned' },
  CHECK_DULL: { code: '406', message: 'Selfie is under-exposed' },
  CHECK_BRIGHT: { code: '407', message: 'Selfie is over-exposed' },
  CHECK_NON_WHITE_BACKGROUND: { code: '408', message: 'Background is not white' },
  CHECK_LOW_QUALITY: { code: '409', message: 'Image quality is too low' },
} as const satisfies Record<string, ReasonDetail>;

export interface ReasonDetail {
  readonly code: string;
  readonly message: string;
}

export type ReasonName = keyof typeof REASON_CODES;

/** The reason for each failing quality status (VALID_IMAGE has none). */
export const QUALITY_STATUS_REASONS: Readonly<Record<Exclude<QualityStatus, 'VALID_IMAGE'>, ReasonName>> = {
  SHARPNESS_ERROR: 'SHARPNESS_ERROR',
  ILLUMINATION_ERROR: 'ILLUMINATION_ERROR',
  FACE_TOO_FAR: 'FACE_TOO_FAR',
  FACE_TOO_CLOSE: 'FACE_TOO_CLOSE',
  FACE_CLOSE_TO_BORDER: 'FACE_CLOSE_TO_BORDER',
  FACE_WITHOUT_PADDING: 'FACE_WITHOUT_PADDING',
  FACE_CROPPED: 'FACE_CROPPED',
  FACE_OCCLUDED: 'FACE_OCCLUDED',
  FACE_ANGLE_TOO_LARGE: 'FACE_ANGLE_TOO_LARGE',
  MULTIPLE_FACES: 'MULTIPLE_FACES',
  INCONSISTENT_DETECTION: 'INCONSISTENT_DETECTION',
  UNKNOWN: 'UNKNOWN',
};

/** The reason for each computable quality check answering yes. */
export const QUALITY_CHECK_REASONS: Partial<Readonly<Record<QualityCheckName, ReasonName>>> = {
  blur: 'CHECK_BLUR',
  eyesClosed: 'CHECK_EYES_CLOSED',
  occlusion: 'CHECK_FACE_OCCLUDED',
  multipleFaces: 'CHECK_MULTIPLE_FACES',
  headTurned: 'CHECK_HEAD_TURNED',
  dull: 'CHECK_DULL',
  bright: 'CHECK_BRIGHT',
  nonWhiteBackground: 'CHECK_NON_WHITE_BACKGROUND',
  lowQuality: 'CHECK_LOW_QUALITY',
};

/** Engine error codes (LivenessErrorCode) and API-level failures → reason code for error bodies. */
export type ApiErrorReason =
  | 'SERVER_ERROR'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'PARSE_ERROR'
  | 'EMPTY_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'FACE_NOT_DETECTED';

export const reasonDetail = (name: ReasonName): ReasonDetail => {
  const { code, message } = REASON_CODES[name];
  return { code, message };
};

/** Every code with its name, for the docs/decisions.md table and for callers listing them. */
export const reasonCodeTable = (): readonly (ReasonDetail & { readonly name: ReasonName })[] =>
  (Object.keys(REASON_CODES) as ReasonName[]).map((name) => ({ name, ...reasonDetail(name) }));
