import { isLivenessError, type LivenessErrorCode } from '../liveness/errors.js';
import { type ErrorReason, errorSummaryFor, type Summary } from './decisionRules.js';

/** The error catalogue of SPEC §3 (HyperVerge wording): status code and `result.error` text. */
export const ERROR_CATALOGUE = {
  PARSE_ERROR: { statusCode: 400, error: 'Error while parsing request body' },
  UNSUPPORTED_FILE_TYPE: { statusCode: 400, error: 'Unsupported file type' },
  UNAUTHORIZED: { statusCode: 401, error: 'Missing/Invalid credentials' },
  FORBIDDEN: { statusCode: 403, error: 'Unauthorized Access to API' },
  NOT_FOUND: { statusCode: 404, error: 'Not Found' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, error: 'Request entity too large' },
  NO_FACE: { statusCode: 422, error: 'No face detected' },
  RATE_LIMITED: { statusCode: 429, error: 'Rate limit error' },
  INTERNAL: { statusCode: 500, error: 'Internal Server Error' },
  BUSY: { statusCode: 503, error: 'SERVER BUSY - retry after sometime' },
} as const;

export type ErrorKind = keyof typeof ERROR_CATALOGUE;

export interface ApiErrorOptions {
  /** Reason code whose summary (action + code) goes into the body, for errors that carry one. */
  readonly summary?: ErrorReason;
  readonly retryAfterSeconds?: number;
}

/**
 * A failure the caller can be told about. `reason` is a stable machine code (e.g. MISSING_TRANSACTION_ID,
 * QUOTA_EXCEEDED); `message` is safe to show (never a stack, a key or request data).
 */
export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get statusCode(): number {
    return ERROR_CATALOGUE[this.kind].statusCode;
  }
}

const ENGINE_ERRORS: Readonly<Record<LivenessErrorCode, ErrorKind>> = {
  EMPTY_IMAGE: 'PARSE_ERROR',
  CORRUPT_IMAGE: 'PARSE_ERROR',
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE',
  IMAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // Too few pixels to judge a face: the caller learns the same as for no face, with its own code.
  IMAGE_TOO_SMALL: 'NO_FACE',
  FACE_NOT_DETECTED: 'NO_FACE',
  MODEL_UNAVAILABLE: 'INTERNAL',
  TOO_MANY_FRAMES: 'PARSE_ERROR',
  FRAME_SIZE_MISMATCH: 'PARSE_ERROR',
};

// AWS SDK error names meaning "slow down", and middy's TimeoutError (the function ran out of time,
// e.g. under load): the request may succeed when retried.
const THROTTLING = new Set([
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
]);

/** Any thrown value → an ApiError; unknown faults become 500 with a generic message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isLivenessError(error)) {
    const kind = ENGINE_ERRORS[error.code];
    if (error.code === 'MODEL_UNAVAILABLE') {
      return new ApiError(kind, error.code, 'the model is unavailable', { summary: 'SERVER_ERROR' });
    }
    // Frame-set mistakes have no reason code of their own in the summary catalogue: a parse error.
    const summary = error.code === 'TOO_MANY_FRAMES' || error.code === 'FRAME_SIZE_MISMATCH' ? 'PARSE_ERROR' : error.code;
    return new ApiError(kind, error.code, error.message, { summary });
  }
  const name = (error as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && THROTTLING.has(name)) {
    return new ApiError('BUSY', 'BACKEND_THROTTLED', 'the service is busy', { retryAfterSeconds: 1 });
  }
  return new ApiError('INTERNAL', 'SERVER_ERROR', 'an unexpected error occurred', { summary: 'SERVER_ERROR' });
}

export interface ErrorBody {
  readonly status: 'failure';
  readonly statusCode: number;
  readonly result: {
    readonly error: string;
    readonly reason: string;
    readonly message: string;
    readonly summary?: Summary;
  };
  readonly metadata: { readonly requestId?: string; readonly transactionId?: string };
}

/** The HyperVerge-style failure body: `error` is the catalogue text; `reason`/`message` say exactly what. */
export function errorBody(error: ApiError, metadata: ErrorBody['metadata']): ErrorBody {
  const { statusCode, error: text } = ERROR_CATALOGUE[error.kind];
  return {
    status: 'failure',
    statusCode,
    result: {
      error: text,
      reason: error.reason,
      message: error.message,
      ...(error.options.summary ? { summary: errorSummaryFor(error.options.summary) } : {}),
    },
    metadata,
  };
}
