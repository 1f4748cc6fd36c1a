import { ApiError } from '../apiErrors.js';
import { optionsFixedBySession } from '../captureSessions.js';
import { fetchImageUrl, imageUrlPolicy } from '../imageUrl.js';
import { type FrameRequestLimits, type LivenessRequestDraft, parseLivenessDraft, requirePlanFeatures } from '../livenessRequest.js';
import { MAX_FRAMES, MAX_TRANSACTION_ID_LENGTH } from '../config.js';
import { DEFAULT_BODY_LIMITS, parseEventBody } from '../requestBody.js';
import { type ApiMiddleware, header } from './apiState.js';

export { MAX_TRANSACTION_ID_LENGTH };

/**
 * transactionId header, body size (413 before decoding), multipart or JSON body through our bounded
 * parser (requestBody.ts), every option of SPEC §3 validated, and the plan's features checked (403).
 */
export function parseLivenessRequest(options: {
  maxBodyBytes: () => number;
  frameLimits?: () => FrameRequestLimits;
  /** The route's request mapper (a vendor's body → ours); default: the checkLiveness body. */
  toRequest?: (body: unknown, limits?: FrameRequestLimits) => LivenessRequestDraft;
}): ApiMiddleware {
  const toRequest = options.toRequest ?? parseLivenessDraft;
  return {
    before: async (request) => {
      const { event, context } = request;
      const state = context.api;
      const transactionId = state.transactionId;
      if (!transactionId || transactionId.trim() === '') {
        throw new ApiError('PARSE_ERROR', 'MISSING_TRANSACTION_ID', 'the transactionId header is required');
      }
      if (transactionId.length > MAX_TRANSACTION_ID_LENGTH) {
        throw new ApiError('PARSE_ERROR', 'INVALID_TRANSACTION_ID', `transactionId is longer than ${MAX_TRANSACTION_ID_LENGTH} characters`);
      }
      const limit = options.maxBodyBytes();
      // One file part more than the frames allowed, so a 9th frame is refused as TOO_MANY_FRAMES by the frames mapping.
      const body = parseEventBody(event, header(event, 'content-type'), { ...DEFAULT_BODY_LIMITS, maxFiles: MAX_FRAMES + 1, maxBodyBytes: limit });
      const drafted = toRequest(body, options.frameLimits?.());
      // With a capture session the key holder's options decide, never the page's.
      const parsed = state.session ? { ...drafted, options: optionsFixedBySession(body, drafted.options, state.session.record) } : drafted;
      requirePlanFeatures(parsed.options, state.app?.plan ?? 'current', state.plan);
      state.livenessRequest = 'images' in parsed
        ? parsed
        : { images: [await fetchImageUrl(parsed.imageUrl, imageUrlPolicy(limit))], options: parsed.options };
    },
  };
}
