import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { LivenessEngine } from '../liveness/engine.js';
import { LivenessError } from '../liveness/errors.js';
import { checkLiveness, type LivenessCheckResult } from './livenessCheck.js';
import type { LivenessRequestDraft } from './livenessRequest.js';
import { type ApiContext, type ApiEvent, type ApiResult, type ApiState, apiState } from './middlewares/apiState.js';
import { authenticate } from './middlewares/authenticate.js';
import { browserCors, requireAllowedOrigin } from './middlewares/cors.js';
import { type ErrorFormatter, errorResponse } from './middlewares/errorResponse.js';
import { parseLivenessRequest } from './middlewares/parseLivenessRequest.js';
import { rateLimit } from './middlewares/rateLimit.js';
import { requestMetrics } from './middlewares/requestMetrics.js';
import { useSessionCheck } from './middlewares/sessionCredentials.js';
import { transactionLogging } from './middlewares/transactionLogging.js';
import { services } from './services.js';

/**
 * What makes one liveness route (ours or a vendor's): a request mapper into
 * the domain request, and response and error mappers out of the domain result. Nothing else.
 */
export interface LivenessAdapter {
  /** Route name in logs, metrics and the transaction log. */
  readonly route: string;
  /** Deepvue's access tokens (`Bearer dvt_…` from POST /v1/authorize) are checked beside the key. */
  readonly accessTokens?: boolean;
  /** Vendor clients send no transactionId header: the request id stands in. */
  readonly transactionIdFallsBackToRequestId?: boolean;
  readonly toRequest?: (body: unknown) => LivenessRequestDraft;
  readonly toResponse: (result: LivenessCheckResult, state: ApiState) => { statusCode?: number; body: unknown };
  readonly toError?: ErrorFormatter;
  /** Browser pages may call it with a capture session token (`Authorization: Bearer`), from the app's allowed origins (CORS). */
  readonly browserSessions?: boolean;
}

// One engine per process, shared by every route served from it; models load at init
// (no top-level await: the bundle may be CommonJS).
let engine: { engine: LivenessEngine; ready: Promise<boolean> } | undefined;
function sharedEngine() {
  if (!engine) {
    const created = new LivenessEngine();
    engine = { engine: created, ready: created.warmUp().then(() => true, () => false) };
  }
  return engine;
}

/**
 * The one middy chain of every liveness route: header normalisation, ids, metrics, transaction log,
 * errors, authentication, plan rate limit, body parsing and validation, then the domain call.
 */
export function livenessRoute(adapter: LivenessAdapter) {
  const { engine, ready } = sharedEngine();
  const browser = adapter.browserSessions ?? false;
  const chain = middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(httpHeaderNormalizer())
    .use(apiState(adapter.route, { transactionIdFallsBackToRequestId: adapter.transactionIdFallsBackToRequestId ?? false }));
  if (browser) chain.use(browserCors());
  chain
    .use(requestMetrics())
    .use(transactionLogging({ log: () => services().transactionLog, region: () => services().config.regionCode }))
    .use(errorResponse(adapter.toError ? { format: adapter.toError } : {}))
    .use(
      authenticate({
        apps: () => services().apps,
        feature: 'checkLiveness',
        ...(adapter.accessTokens ? { accessTokens: true } : {}),
        ...(browser ? { sessions: () => services().sessions } : {}),
      }),
    );
  if (browser) chain.use(requireAllowedOrigin());
  return chain
    .use(rateLimit(() => services().rateLimiter))
    // Only now, past every 403/429 refusal, does a session lose a check.
    .use(useSessionCheck(() => services().sessions))
    .use(parseLivenessRequest({ maxBodyBytes: () => services().config.maxBodyBytes, frameLimits: () => services().config.frames, ...(adapter.toRequest ? { toRequest: adapter.toRequest } : {}) }))
    .handler(async (_event, context) => {
      const state = context.api;
      if (!(await ready)) throw new LivenessError('MODEL_UNAVAILABLE', 'the liveness models could not be loaded');
      const result = await checkLiveness(
        { engine, crops: services().crops },
        {
          appId: state.app!.appId,
          plan: state.plan!,
          ...(state.app!.rules ? { rules: state.app!.rules } : {}),
          requestId: state.requestId,
          transactionId: state.transactionId!,
          request: state.livenessRequest!,
          maxFramePixels: services().config.frames.maxFramePixels,
        },
      );
      state.outcome = result.logged;
      state.log.info('liveness checked', {
        outcome: result.logged.outcome,
        liveFace: result.logged.liveFace,
        facesDetected: result.logged.facesDetected,
      });
      const response = adapter.toResponse(result, state);
      return { statusCode: response.statusCode ?? 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response.body) };
    });
}
