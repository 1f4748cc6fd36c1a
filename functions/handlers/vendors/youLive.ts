import { STATUS_CODES } from 'node:http';
import { parseLivenessDraft } from '../../commons/livenessRequest.js';
import { livenessRoute } from '../../commons/livenessRoute.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { YouLiveRequest } from '../../commons/schemas/vendors/youLive.js';

/**
 * YouLive (Youverse) `POST /liveness` (seeds/000), header `x-api-key`. `confidence_level` is
 * Medium (ISO/IEC 30107-3 Level 1, what one passive model is) or Low (borderline score or not
 * assessable); never High, since we do not run a Level 2 method.
 */
export const handler = livenessRoute({
  route: 'youLive',
  transactionIdFallsBackToRequestId: true,
  toRequest: (body) => {
    const request = validateBody(YouLiveRequest, body);
    const config = new Map((request.configuration ?? []).map((c) => [c.name, c.value]));
    return parseLivenessDraft({
      image: request.image,
      livenessMethod: config.get('liveness_method'),
      selectionCriteria: config.get('selection_criteria'),
    });
  },
  toResponse: ({ assessment }) => ({
    body: {
      score: Math.round(assessment.decision.score * 10_000) / 10_000,
      status: assessment.quality.status,
      confidence_level: assessment.decision.confidence === 'high' ? 'Medium' : 'Low',
    },
  }),
  toError: (error) => ({
    statusCode: error.statusCode,
    body: { status_code: error.statusCode, phrase: STATUS_CODES[error.statusCode] ?? 'Error', message: error.message },
  }),
});
