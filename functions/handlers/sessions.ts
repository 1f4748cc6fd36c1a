import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { issueSession, parseSessionRequest } from '../commons/captureSessions.js';
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { authenticate } from '../commons/middlewares/authenticate.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { rateLimit } from '../commons/middlewares/rateLimit.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { requirePlanFeatures } from '../commons/livenessRequest.js';
import { services } from '../commons/services.js';

/**
 * POST /v1/sessions (server to server, app key): a short-lived capture session token a browser page
 * uses as `Authorization: Bearer` on checkLiveness, bound to one transactionId and to the check
 * options given here. Body: `{ transactionId, ttlSeconds?, maxChecks?, ...checkLiveness options }`.
 */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('sessions'))
  .use(requestMetrics())
  .use(errorResponse())
  .use(authenticate({ apps: () => services().apps, feature: 'checkLiveness' }))
  .use(rateLimit(() => services().rateLimiter, 'sessions'))
  .handler(async (event, context) => {
    const state = context.api;
    const { config } = services();
    const request = parseSessionRequest(event.body, event.isBase64Encoded);
    requirePlanFeatures(request.options, state.app!.plan, state.plan!);
    const session = await issueSession(services().sessions, state.app!, request, {
      ttlSeconds: config.sessionTtlSeconds,
      maxChecks: config.sessionMaxChecks,
    });
    // The token is the secret: log what it allows, never the token.
    state.log.info('session issued', { expiresAt: session.expiresAt, maxChecks: session.maxChecks, sessionId: session.sessionId, transactionId: session.transactionId });
    return jsonResponse(
      201,
      { status: 'success', statusCode: 201, metadata: { requestId: state.requestId }, result: session },
      // A bearer credential: no cache may keep it.
      { 'cache-control': 'no-store' },
    );
  });
