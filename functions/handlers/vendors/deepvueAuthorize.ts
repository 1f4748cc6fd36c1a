import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { issueAccessToken } from '../../commons/deepvueAccessTokens.js';
import { jsonResponse } from '../../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../../commons/middlewares/apiState.js';
import { authenticate, type CredentialsExtractor } from '../../commons/middlewares/authenticate.js';
import { type ErrorFormatter, errorResponse } from '../../commons/middlewares/errorResponse.js';
import { rateLimit } from '../../commons/middlewares/rateLimit.js';
import { requestBody } from '../../commons/middlewares/requestBody.js';
import { requestMetrics } from '../../commons/middlewares/requestMetrics.js';
import { validateBody } from '../../commons/schemas/validate.js';
import { DeepvueAuthorizeRequest } from '../../commons/schemas/vendors/deepvue.js';
import { services } from '../../commons/services.js';

/** Deepvue's client_id is our app id, its client_secret our app key: read from the parsed form. */
const clientCredentials: CredentialsExtractor = (event) => {
  const form = validateBody(DeepvueAuthorizeRequest, event.body as unknown);
  return { kind: 'key', appId: form.client_id, key: form.client_secret };
};

/** FastAPI's `{detail}`, as Deepvue answers; a malformed form is FastAPI's 422. */
const deepvueDetail: ErrorFormatter = (error) => {
  if (error.statusCode === 401) return { statusCode: 401, body: { detail: 'Invalid client_id or client_secret' } };
  if (error.reason === 'KEY_REVOKED') return { statusCode: 403, body: { detail: 'Inactive client_id' } };
  if (error.statusCode === 400) return { statusCode: 422, body: { detail: error.message } };
  return { statusCode: error.statusCode, body: { detail: error.message } };
};

/**
 * Deepvue `POST /v1/authorize`: `client_id` + `client_secret` as form fields (urlencoded or multipart)
 * → `{access_token, token_type: "bearer", expiry}`, a signed app-scoped token for /v1/liveness-check
 * (functions/commons/deepvueAccessTokens.ts). Counted against the app's plan like any call.
 */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('deepvueAuthorize'))
  .use(requestMetrics())
  .use(errorResponse({ format: deepvueDetail }))
  .use(requestBody({ accepts: ['form', 'multipart'], limits: () => ({ maxBodyBytes: 4096, maxFiles: 0, maxFields: 8 }) }))
  .use(authenticate({ apps: () => services().apps, feature: 'checkLiveness', credentials: clientCredentials }))
  .use(rateLimit(() => services().rateLimiter))
  .handler(async (_event, context) => {
    const token = issueAccessToken(context.api.app!);
    // The token is a credential: log when it expires, never the token.
    context.api.log.info('access token issued', { expiry: token.expiry });
    return jsonResponse(200, token, { 'cache-control': 'no-store' });
  });
