import { header } from '../../commons/middlewares/apiState.js';
import { parseLivenessDraft } from '../../commons/livenessRequest.js';
import { livenessRoute } from '../../commons/livenessRoute.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { DeepvueRequest } from '../../commons/schemas/vendors/deepvue.js';

const isUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
const URL_REASONS = new Set(['URL_NOT_ALLOWED', 'URL_FETCH_FAILED', 'URL_TOO_LARGE', 'URL_TIMEOUT']);
const BASE64_REASONS = new Set(['INVALID_BASE64', 'EMPTY_IMAGE', 'CORRUPT_IMAGE']);
const NO_FACE_REASONS = new Set(['FACE_NOT_DETECTED', 'IMAGE_TOO_SMALL']);

/** Deepvue `POST /v1/liveness-check` (seeds/001): `image` as base64 or a URL (or `url`); bearer + x-api-key. */
export const handler = livenessRoute({
  route: 'deepvue',
  // A `Bearer dvt_…` from POST /v1/authorize is checked as the access token beside x-api-key.
  accessTokens: true,
  transactionIdFallsBackToRequestId: true,
  toRequest: (body) => {
    const request = validateBody(DeepvueRequest, body);
    const url = request.url ?? (request.image && isUrl(request.image) ? request.image : undefined);
    return parseLivenessDraft(url ? { imageUrl: url } : { image: request.image });
  },
  toResponse: ({ assessment }, state) => ({
    body: {
      code: 200,
      timestamp: null,
      transaction_id: state.transactionId,
      sub_code: 'SUCCESS',
      message: 'Request processed successfully',
      data: { is_live: assessment.decision.value === 'yes', score: Math.round(assessment.decision.score * 10_000) / 10_000 },
    },
  }),
  toError: (error, _body, state, event) => {
    const envelope = (code: number, sub_code: string, message: string) => ({
      statusCode: code,
      body: { code, timestamp: null, transaction_id: state?.transactionId ?? state?.requestId ?? '', sub_code, message, reason: error.reason },
    });
    if (error.statusCode === 401) {
      const sent = header(event, 'x-api-key') ?? header(event, 'authorization');
      return { statusCode: 401, body: { detail: sent ? 'Not a valid token' : 'Not authenticated' } };
    }
    if (error.reason === 'KEY_REVOKED') return { statusCode: 403, body: { detail: 'Inactive client_id' } };
    // Deepvue answers "no face" as a processed request.
    if (NO_FACE_REASONS.has(error.reason)) return envelope(200, 'FACE_NOT_DETECTED', 'Face Not Detected');
    if (URL_REASONS.has(error.reason)) return envelope(422, 'INVALID_URL', `Invalid URL: ${error.message}`);
    if (BASE64_REASONS.has(error.reason)) return envelope(422, 'INVALID_BASE64_STRING', 'Invalid base64 string');
    if (error.statusCode >= 500) return envelope(error.statusCode, error.statusCode === 500 ? 'INTERNAL_SERVER_ERROR' : error.reason, error.message);
    return envelope(error.statusCode, error.reason, error.message);
  },
});
