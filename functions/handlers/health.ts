import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { type ActiveLivenessModel, activeLivenessModels, MODEL_SPECS, modelVersion, resolveModelDir } from '../liveness/modelRegistry.js';
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { services } from '../commons/services.js';

const models = MODEL_SPECS.map((spec) => ({ id: spec.id, version: spec.version, modelVersion: modelVersion(spec) }));
// Packs are read once per process: the engine, too, loads its models once.
let livenessModels: ActiveLivenessModel[] | undefined;

/** GET /v1/health: no auth; the region and the model ids and versions this deployment runs. */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('health'))
  .use(requestMetrics())
  .use(errorResponse())
  .handler(async (_event, context) =>
    jsonResponse(200, {
      status: 'success',
      statusCode: 200,
      metadata: { requestId: context.api.requestId },
      result: { region: services().config.regionCode, models, livenessModels: (livenessModels ??= activeLivenessModels(resolveModelDir())) },
    }),
  );
