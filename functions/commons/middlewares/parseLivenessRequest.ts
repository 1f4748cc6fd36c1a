import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import { ApiError } from '../apiErrors.js';
import { fetchImageUrl, imageUrlPolicy } from '../imageUrl.js';
import { featuresNeeded, type LivenessRequestDraft, parseLivenessDraft } from '../livenessRequest.js';
import type { Feature } from '../plans.js';
import { MAX_FRAMES } from '../schemas/checkLiveness.js';
import { type ApiMiddleware, type ApiRequest, header } from './apiState.js';

export const MAX_TRANSACTION_ID_LENGTH = 128;

/** Size of the body in bytes, computed without decoding it. */
const bodyBytes = (body: string, base64: boolean) =>
  base64 ? Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) : Buffer.byteLength(body);

/**
 * transactionId header, body size (413 before decoding), multipart or JSON body through middy's
 * parsers, every option of SPEC §3 validated, and the plan's features checked (403).
 */
export function parseLivenessRequest(options: {
  maxBodyBytes: () => number;
  /** The route's request mapper (a vendor's body → ours); default: the checkLiveness body. */
  toRequest?: (body: unknown) => LivenessRequestDraft;
}): ApiMiddleware {
  const toRequest = options.toRequest ?? parseLivenessDraft;
  // One file over MAX_FRAMES, so that a 9th frame reaches the parser (TOO_MANY_FRAMES) instead of being dropped.
  const multipart = httpMultipartBodyParser({ busboy: { limits: { files: MAX_FRAMES + 1, fields: 64, fieldSize: 8 * 1024 * 1024 } } });
  const json = httpJsonBodyParser();
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
      const body = event.body ?? '';
      const limit = options.maxBodyBytes();
      if (bodyBytes(body, event.isBase64Encoded) > limit) {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `the request body exceeds ${limit} bytes`, { summary: 'IMAGE_TOO_LARGE' });
      }
      if (body.length === 0) throw new ApiError('PARSE_ERROR', 'EMPTY_BODY', 'the request body is empty');
      const contentType = (header(event, 'content-type') ?? '').toLowerCase();
      const parser = contentType.startsWith('multipart/form-data')
        ? multipart
        : /^application\/(.+\+)?json/.test(contentType)
          ? json
          : undefined;
      if (!parser) {
        throw new ApiError('PARSE_ERROR', 'UNSUPPORTED_CONTENT_TYPE', 'send multipart/form-data or application/json');
      }
      try {
        await parser.before?.(request as never);
      } catch {
        // middy's parsers answer 415 for malformed bodies; our catalogue calls that a parse error.
        throw new ApiError('PARSE_ERROR', contentType.startsWith('multipart') ? 'INVALID_MULTIPART' : 'INVALID_JSON', 'the request body could not be parsed');
      }
      const parsed = toRequest((request as ApiRequest).event.body as unknown);
      const plan = state.plan;
      const missing = featuresNeeded(parsed.options).filter((f) => !(plan?.features as readonly Feature[] | undefined)?.includes(f));
      if (missing.length > 0) {
        throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${state.app?.plan ?? 'current'} plan does not include ${missing.join(', ')}`);
      }
      state.livenessRequest = 'images' in parsed
        ? parsed
        : { images: [await fetchImageUrl(parsed.imageUrl, imageUrlPolicy(limit))], options: parsed.options };
    },
  };
}
