import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { issueSession, parseSessionRequest } from '../commons/captureSessions.js';
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { authenticate } from '../commons/middlewares/authenticate.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { services } from '../commons/services.js';

/**
 * POST /v1/sessions (server to server, app key): a short-lived capture session token a browser page
 * uses as `Authorization: Bearer` on checkLiveness. Body, optional: `{ ttlSeconds, maxChecks }`.
 */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('sessions'))
  .use(requestMetrics())
  .use(errorResponse())
  .use(authenticate({ apps: () => services().apps, feature: 'checkLiveness' }))
  .handler(async (event, context) => {
    const state = context.api;
    const { config } = services();
    const session = await issueSession(services().sessions, state.app!, parseSessionRequest(event.body, event.isBase64Encoded), {
      ttlSeconds: config.sessionTtlSeconds,
      maxChecks: config.sessionMaxChecks,
    });
    // The token is the secret: log what it allows, never the token.
    state.log.info('session issued', { expiresAt: session.expiresAt, maxChecks: session.maxChecks });
    return jsonResponse(
      201,
      { status: 'success', statusCode: 201, metadata: { requestId: state.requestId }, result: session },
      // A bearer credential: no cache may keep it.
      { 'cache-control': 'no-store' },
    );
  });
