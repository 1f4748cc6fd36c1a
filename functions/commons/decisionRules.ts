/**
 * The API's one door to the decision rules (functions/liveness/rules): `result.summary` for an
 * assessment and for error bodies.
 */
import type { LivenessAssessment } from '../liveness/engine.js';

export type SummaryAction = 'pass' | 'fail' | 'manualReview';
export interface Summary {
  readonly action: SummaryAction;
  readonly details: readonly { readonly code: string; readonly message: string }[];
}

export type ErrorReason =
  | 'SERVER_ERROR'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'PARSE_ERROR'
  | 'EMPTY_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'FACE_NOT_DETECTED';

// Interim table until the rules module lands; codes match HyperVerge's (110, 111, 121).
const ERROR_REASONS: Readonly<Record<ErrorReason, { code: string; message: string }>> = {
  SERVER_ERROR: { code: '110', message: 'Server error. Please contact support' },
  UNSUPPORTED_FILE_TYPE: { code: '111', message: 'Unsupported file type: send a JPEG, PNG, WebP or BMP image' },
  PARSE_ERROR: { code: '112', message: 'The request body could not be parsed' },
  EMPTY_IMAGE: { code: '113', message: 'The image is empty' },
  CORRUPT_IMAGE: { code: '114', message: 'The image data is truncated or corrupt' },
  IMAGE_TOO_LARGE: { code: '115', message: 'The image is too large' },
  IMAGE_TOO_SMALL: { code: '116', message: 'The image is too small to judge a face' },
  FACE_NOT_DETECTED: { code: '121', message: 'Face not detected in selfie image' },
};

export function errorSummaryFor(reason: ErrorReason): Summary {
  return { action: reason === 'SERVER_ERROR' ? 'manualReview' : 'fail', details: [ERROR_REASONS[reason]] };
}

/** Interim: the liveness decision alone (live+high → pass, low confidence → manualReview, spoof → fail). */
export function summaryFor(assessment: LivenessAssessment, _rulesName: string): Summary {
  const { value, confidence } = assessment.decision;
  if (confidence === 'low') {
    return { action: 'manualReview', details: [{ code: value === 'yes' ? '203' : '202', message: 'Liveness score is close to the threshold' }] };
  }
  if (value === 'yes') return { action: 'pass', details: [] };
  return { action: 'fail', details: [{ code: '201', message: 'Face is not live: presentation attack suspected' }] };
}
