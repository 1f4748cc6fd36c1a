import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { ApiError } from '../commons/apiErrors.js';
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { authenticate } from '../commons/middlewares/authenticate.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { services } from '../commons/services.js';

const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;
const notFound = () => new ApiError('NOT_FOUND', 'CROP_NOT_FOUND', 'no cropped face for this request id (never stored, another app, or expired)');

/** GET /v1/croppedFace/{requestId}: a fresh signed URL for a crop this app stored; 404 otherwise. */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('croppedFace'))
  .use(requestMetrics())
  .use(errorResponse())
  .use(authenticate({ apps: () => services().apps, feature: 'croppedFace' }))
  .handler(async (event, context) => {
    const state = context.api;
    const target = event.pathParameters?.requestId ?? '';
    if (!REQUEST_ID.test(target)) throw notFound();
    const url = await services().crops.signedUrl(state.app!.appId, target);
    if (!url) throw notFound();
    return jsonResponse(200, {
      status: 'success',
      statusCode: 200,
      metadata: { requestId: state.requestId },
      result: { requestId: target, croppedImageUrl: url, expiresInSeconds: services().config.cropUrlTtlSeconds },
    });
  });
