import { type BodyKind, type BodyLimits, DEFAULT_BODY_KINDS, DEFAULT_BODY_LIMITS, parseEventBody } from '../requestBody.js';
import { type ApiMiddleware, header } from './apiState.js';

/**
 * Bounded body parsing for any route that takes a body (multipart or JSON, Content-Type matched
 * case-insensitively): `event.body` becomes the parsed value, as with middy's parsers; any
 * malformed body or breached limit is an ApiError (400 with a reason, 413 for size).
 */
export function requestBody(options: { limits?: () => Partial<BodyLimits>; accepts?: readonly BodyKind[] } = {}): ApiMiddleware {
  return {
    before: (request) => {
      const limits = { ...DEFAULT_BODY_LIMITS, ...options.limits?.() };
      request.event.body = parseEventBody(request.event, header(request.event, 'content-type'), limits, options.accepts ?? DEFAULT_BODY_KINDS) as never;
      request.event.isBase64Encoded = false;
    },
  };
}
