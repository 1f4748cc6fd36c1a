import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { LivenessEngine } from '../liveness/engine.js';
import { LivenessError } from '../liveness/errors.js';
import { checkLiveness } from '../commons/livenessCheck.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { authenticate } from '../commons/middlewares/authenticate.js';
import { browserCors, requireAllowedOrigin } from '../commons/middlewares/cors.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { parseLivenessRequest } from '../commons/middlewares/parseLivenessRequest.js';
import { rateLimit } from '../commons/middlewares/rateLimit.js';
import { transactionLogging } from '../commons/middlewares/transactionLogging.js';
import { services } from '../commons/services.js';

// One engine per process; models load at init (no top-level await: the bundle may be CommonJS).
const engine = new LivenessEngine();
const engineReady = engine.warmUp().then(
  () => true,
  () => false,
);

/** POST /v1/checkLiveness (app key, or a capture session token from a browser page) */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('checkLiveness'))
  .use(browserCors())
  .use(requestMetrics())
  .use(transactionLogging({ log: () => services().transactionLog, region: () => services().config.regionCode }))
  .use(errorResponse())
  .use(authenticate({ apps: () => services().apps, feature: 'checkLiveness', sessions: () => services().sessions }))
  .use(requireAllowedOrigin())
  .use(rateLimit(() => services().rateLimiter))
  .use(parseLivenessRequest({ maxBodyBytes: () => services().config.maxBodyBytes }))
  .handler(async (_event, context) => {
    const state = context.api;
    if (!(await engineReady)) throw new LivenessError('MODEL_UNAVAILABLE', 'the liveness models could not be loaded');
    const result = await checkLiveness(
      { engine, crops: services().crops },
      {
        appId: state.app!.appId,
        plan: state.plan!,
        ...(state.app!.rules ? { rules: state.app!.rules } : {}),
        requestId: state.requestId,
        transactionId: state.transactionId!,
        request: state.livenessRequest!,
      },
    );
    state.outcome = result.logged;
    state.log.info('liveness checked', {
      outcome: result.logged.outcome,
      liveFace: result.logged.liveFace,
      facesDetected: result.logged.facesDetected,
    });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result.body) };
  });
