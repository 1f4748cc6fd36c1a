import { ApiError } from '../apiErrors.js';
import { featuresNeeded, type FrameRequestLimits, MAX_IMAGE_FIELD, parseLivenessBody } from '../livenessRequest.js';
import type { Feature } from '../plans.js';
import { DEFAULT_BODY_LIMITS, parseEventBody } from '../requestBody.js';
import { type ApiMiddleware, header } from './apiState.js';

export const MAX_TRANSACTION_ID_LENGTH = 128;

/**
 * transactionId header, body size (413 before decoding), multipart or JSON body through our bounded
 * parser (requestBody.ts), every option of SPEC §3 validated, and the plan's features checked (403).
 */
export function parseLivenessRequest(options: {
  maxBodyBytes: () => number;
  frameLimits?: () => FrameRequestLimits;
}): ApiMiddleware {
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
      // One file part more than the frames allowed, so a 9th frame is refused as TOO_MANY_FRAMES by the frames mapping.
      const limits = { ...DEFAULT_BODY_LIMITS, maxFiles: MAX_IMAGE_FIELD + 1, maxBodyBytes: options.maxBodyBytes() };
      const body = parseEventBody(event, header(event, 'content-type'), limits);
      const parsed = parseLivenessBody(body, options.frameLimits?.());
      const plan = state.plan;
      const missing = featuresNeeded(parsed.options).filter((f) => !(plan?.features as readonly Feature[] | undefined)?.includes(f));
      if (missing.length > 0) {
        throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${state.app?.plan ?? 'current'} plan does not include ${missing.join(', ')}`);
      }
      state.livenessRequest = parsed;
    },
  };
}
