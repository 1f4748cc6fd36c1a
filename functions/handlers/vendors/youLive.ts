import { STATUS_CODES } from 'node:http';
import { parseLivenessDraft } from '../../commons/livenessRequest.js';
import { livenessRoute } from '../../commons/livenessRoute.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { YouLiveRequest } from '../../commons/schemas/vendors/youLive.js';
import type { LivenessAssessment } from '../../liveness/engine.js';
import type { MergedAssessment } from '../../liveness/merged/MergedLiveness.js';

/**
 * YouLive (Youverse) `POST /liveness` (seeds/000), header `x-api-key`. `confidence_level` is
 * Low (borderline score or not assessable), High when a clear answer comes from more than one
 * independent model (a model pack fused) or from several consistent frames, else Medium (one
 * passive model on one frame).
 */
type Answered = LivenessAssessment | MergedAssessment;

/** Several independent opinions: more than one model decided, or more than one frame agreed with each other. */
const corroborated = (a: Answered): boolean =>
  a.liveness.models.length > 1 || ('method' in a && a.method === 'merged' && a.frames.count > 1 && a.frames.consistency.reasons.length === 0);

const confidenceLevel = (a: Answered): 'Low' | 'Medium' | 'High' =>
  a.decision.confidence !== 'high' ? 'Low' : corroborated(a) ? 'High' : 'Medium';

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
      confidence_level: confidenceLevel(assessment),
    },
  }),
  toError: (error) => ({
    statusCode: error.statusCode,
    body: { status_code: error.statusCode, phrase: STATUS_CODES[error.statusCode] ?? 'Error', message: error.message },
  }),
});
