import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import packageJson from '../../package.json' with { type: 'json' };
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { openApiDocument } from '../commons/schemas/openapi.js';

const document = openApiDocument(packageJson.version);

/** GET /v1/openapi.json: no auth; the OpenAPI 3.1 document of every route. */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('openapi'))
  .use(requestMetrics())
  .use(errorResponse())
  .handler(async () => jsonResponse(200, document, { 'cache-control': 'public, max-age=300' }));
