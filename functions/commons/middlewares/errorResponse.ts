import { type ApiError, type ErrorBody, toApiError, errorBody } from '../apiErrors.js';
import type { ApiEvent, ApiMiddleware, ApiResult, ApiState } from './apiState.js';

/** A vendor route's error shape: our error (and its HyperVerge body) → that vendor's status and body. */
export type ErrorFormatter = (error: ApiError, body: ErrorBody, state: ApiState | undefined, event: ApiEvent) => { statusCode: number; body: unknown; headers?: Record<string, string> };

/**
 * Any error → the HyperVerge failure body with its status code. Sets the response without
 * returning it, so the transaction log middleware (outside this one) still sees it.
 */
export function errorResponse(options: { format?: ErrorFormatter } = {}): ApiMiddleware {
  return {
    onError: (request) => {
      const error = toApiError(request.error);
      const state = request.context.api;
      const transactionId = state?.transactionId && state.transactionId.length <= 128 ? state.transactionId : undefined;
      const body = errorBody(error, { requestId: state?.requestId ?? request.context.awsRequestId, ...(transactionId ? { transactionId } : {}) });
      if (error.statusCode >= 500) {
        // Name and message only: no stack traces in logs.
        const cause = request.error as { name?: string; message?: string } | null;
        state?.log.error('request failed', { reason: error.reason, errorName: cause?.name, errorMessage: cause?.message });
      } else {
        state?.log.info('request rejected', { statusCode: error.statusCode, reason: error.reason });
      }
      if (state) {
        state.outcome = {
          ...state.outcome,
          outcome: body.result.summary?.action ?? 'error',
          error: body.result.error,
          reason: error.reason,
        };
      }
      const retryAfter = error.options.retryAfterSeconds;
      const formatted = options.format?.(error, body, state, request.event);
      const response: ApiResult = {
        statusCode: formatted?.statusCode ?? error.statusCode,
        headers: {
          'content-type': 'application/json',
          ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
          ...formatted?.headers,
        },
        body: JSON.stringify(formatted ? formatted.body : body),
      };
      request.response = response;
    },
  };
}
