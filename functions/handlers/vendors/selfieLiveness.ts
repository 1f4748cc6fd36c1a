import { ApiError } from '../../commons/apiErrors.js';
import { parseLivenessDraft } from '../../commons/livenessRequest.js';
import { livenessRoute } from '../../commons/livenessRoute.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { SelfieLivenessFields } from '../../commons/schemas/vendors/selfieLiveness.js';

/** The 003 API's timestamps: `2024-04-01 20:05:17`, UTC. */
const stamp = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');
const px = (v: number) => Math.round(v * 10_000) / 10_000;

/** The 003 selfie API (seeds/003), served at `POST /v1/liveness/selfie`: multipart `selfie` + `threshold`. */
export const handler = livenessRoute({
  route: 'selfieLiveness',
  transactionIdFallsBackToRequestId: true,
  toRequest: (body) => {
    const fields = validateBody(SelfieLivenessFields, body) as Record<string, unknown>;
    if (fields.selfie === undefined || fields.selfie === null) throw new ApiError('PARSE_ERROR', 'MISSING_IMAGE', 'the selfie field is required');
    return parseLivenessDraft({ image: fields.selfie, threshold: fields.threshold });
  },
  toResponse: ({ assessment, imageSize }, state) => {
    const scale = assessment.decoded.scale ?? 1;
    return {
      body: {
        api_req_uid: state.requestId,
        requested_at: stamp(state.receivedAt),
        processed_at: stamp(new Date()),
        response_code: assessment.decision.value === 'yes' ? 1 : 2,
        response_data: {
          faces_liveness: Math.round(assessment.decision.score * 10_000) / 10_000,
          faces_predicted: assessment.faces.map((f) => ({
            confidence: Math.round(f.confidence * 10_000) / 10_000,
            delta: { x: px((f.x2 - f.x1) * scale), y: px((f.y2 - f.y1) * scale) },
            top_left: { x: px(f.x1 * scale), y: px(f.y1 * scale) },
          })),
          img: { height: imageSize.height, width: imageSize.width },
        },
      },
    };
  },
  toError: (error, _body, state) => ({
    // The seed: "403 if limits are exceeded", the per-minute rate included.
    statusCode: error.kind === 'RATE_LIMITED' ? 403 : error.statusCode,
    body: {
      api_req_uid: state?.requestId ?? '',
      requested_at: stamp(state?.receivedAt ?? new Date()),
      processed_at: stamp(new Date()),
      response_code: error.kind === 'RATE_LIMITED' ? 403 : error.statusCode,
      response_message: error.message,
      reason: error.reason,
    },
  }),
});
