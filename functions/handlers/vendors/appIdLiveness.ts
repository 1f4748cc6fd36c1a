import { parseLivenessDraft } from '../../commons/livenessRequest.js';
import { livenessRoute } from '../../commons/livenessRoute.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { AppIdLivenessRequest } from '../../commons/schemas/vendors/appIdLiveness.js';

const percent = (v: number) => Math.round(v * 100 * 10_000) / 10_000;
const ratio = (v: number) => Math.round(v * 10_000) / 10_000;
const NO_FACE_REASONS = new Set(['FACE_NOT_DETECTED', 'IMAGE_TOO_SMALL']);

/**
 * The 002 API `POST /api/v1/ml/liveness/` (seeds/002). It always returns face attributes, so the
 * route asks for age, gender, smile, eyes and mouth (a plan with faceAttributes). Attributes no
 * shipped model answers (eyeglasses, sunglasses, beard, mustache, emotions) are left out, never guessed.
 */
export const handler = livenessRoute({
  route: 'appIdLiveness',
  transactionIdFallsBackToRequestId: true,
  toRequest: (body) => {
    const draft = parseLivenessDraft({ image: validateBody(AppIdLivenessRequest, body).image });
    return { ...draft, options: { ...draft.options, ageRange: true, checkGender: true, attributes: ['smile', 'eyesOpen', 'mouthOpen'] } };
  },
  toResponse: ({ assessment, imageSize }) => {
    const { attributes, boundingBox: box } = assessment;
    const stats = assessment.quality.measurements.statistics;
    const details = {
      ...(attributes.ageRange && attributes.ageRange.value !== 'unsupported' && 'low' in attributes.ageRange
        ? { age_range: { low: attributes.ageRange.low, high: attributes.ageRange.high } }
        : {}),
      ...(attributes.gender && attributes.gender.value !== 'unsupported' ? { gender: { value: attributes.gender.value } } : {}),
      ...(attributes.smile ? { smile: attributes.smile } : {}),
      ...(attributes.eyesOpen ? { eyes_open: attributes.eyesOpen } : {}),
      ...(attributes.mouthOpen ? { mouth_open: attributes.mouthOpen } : {}),
    };
    return {
      body: {
        entity: {
          liveness: { liveness_check: assessment.decision.value === 'yes', liveness_probability: percent(assessment.decision.score) },
          face: {
            face_detected: true,
            message: 'face detected',
            multiface_detected: assessment.faces.length > 1,
            details,
            quality: { brightness: Math.round(stats.brightness * 100) / 100, sharpness: Math.round(stats.sharpness * 100) / 100 },
            confidence: percent(assessment.face.confidence),
            bounding_box: {
              width: ratio(box.width / imageSize.width),
              height: ratio(box.height / imageSize.height),
              left: ratio(box.left / imageSize.width),
              top: ratio(box.top / imageSize.height),
            },
          },
        },
      },
    };
  },
  toError: (error) => {
    // The response has a place for "no face": a processed request that found none.
    if (NO_FACE_REASONS.has(error.reason)) {
      return {
        statusCode: 200,
        body: {
          entity: {
            liveness: { liveness_check: false, liveness_probability: 0 },
            face: { face_detected: false, message: 'no face detected', multiface_detected: false },
          },
        },
      };
    }
    return { statusCode: error.statusCode, body: { error: { code: error.statusCode, reason: error.reason, message: error.message } } };
  },
});
