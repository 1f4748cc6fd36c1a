import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CATALOGUE, errorBody, toApiError } from '../../functions/commons/apiErrors.js';
import { LivenessError, type LivenessErrorCode } from '../../functions/liveness/errors.js';

describe('error mapping to the catalogue of SPEC §3', () => {
  it.each<[LivenessErrorCode, number, string]>([
    ['EMPTY_IMAGE', 400, 'Error while parsing request body'],
    ['CORRUPT_IMAGE', 400, 'Error while parsing request body'],
    ['UNSUPPORTED_FILE_TYPE', 400, 'Unsupported file type'],
    ['IMAGE_TOO_LARGE', 413, 'Request entity too large'],
    ['IMAGE_TOO_SMALL', 422, 'No face detected'],
    ['FACE_NOT_DETECTED', 422, 'No face detected'],
    ['MODEL_UNAVAILABLE', 500, 'Internal Server Error'],
  ])('engine %s → %i %s', (code, status, text) => {
    const error = toApiError(new LivenessError(code, 'detail'));
    expect(error.statusCode).toBe(status);
    expect(errorBody(error, { requestId: 'r' }).result.error).toBe(text);
  });

  // DynamoDB Local never throttles, so this fault cannot be caused over HTTP here: the SDK's error
  // is built by name, which is all the mapping looks at.
  it('maps AWS throttling to 503 busy with Retry-After', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const error = toApiError(throttled);
    expect(error.statusCode).toBe(503);
    expect(error.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(errorBody(error, { requestId: 'r' }).result.error).toBe(ERROR_CATALOGUE.BUSY.error);
  });

  it('maps a handler that ran out of time (middy TimeoutError) to 503 busy', () => {
    const timedOut = Object.assign(new Error('Timeout'), { name: 'TimeoutError' });
    expect(toApiError(timedOut).statusCode).toBe(503);
  });

  it('hides the message of unknown faults behind a generic 500', () => {
    const error = toApiError(new TypeError('cannot read properties of undefined (reading secret)'));
    expect(error.statusCode).toBe(500);
    const body = errorBody(error, { requestId: 'r', transactionId: 't' });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(body.result.summary?.details[0]?.code).toBe('110');
  });

  it('keeps an ApiError as it is', () => {
    const error = new ApiError('RATE_LIMITED', 'RATE_LIMITED', 'slow down', { retryAfterSeconds: 12 });
    expect(toApiError(error)).toBe(error);
    expect(errorBody(error, { requestId: 'r' })).toMatchObject({ status: 'failure', statusCode: 429, result: { error: 'Rate limit error' } });
  });
});
