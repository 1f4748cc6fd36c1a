import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { ApiError } from '../commons/apiErrors.js';
import { jsonResponse } from '../commons/httpResponse.js';
import { type ApiContext, type ApiEvent, type ApiResult, apiState } from '../commons/middlewares/apiState.js';
import { authenticate } from '../commons/middlewares/authenticate.js';
import { errorResponse } from '../commons/middlewares/errorResponse.js';
import { requestMetrics } from '../commons/middlewares/requestMetrics.js';
import { services } from '../commons/services.js';

/** GET /v1/transactions/{transactionId}: this app's logged outcomes for it (no image data); 404 when none. */
export const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpHeaderNormalizer())
  .use(apiState('transactions'))
  .use(requestMetrics())
  .use(errorResponse())
  .use(authenticate({ apps: () => services().apps, feature: 'transactionLog' }))
  .handler(async (event, context) => {
    const state = context.api;
    const transactionId = event.pathParameters?.transactionId ?? '';
    if (transactionId.length === 0 || transactionId.length > 128) {
      throw new ApiError('NOT_FOUND', 'TRANSACTION_NOT_FOUND', 'no transaction with this id');
    }
    const records = await services().transactionLog.byTransaction(state.app!.appId, transactionId);
    if (records.length === 0) throw new ApiError('NOT_FOUND', 'TRANSACTION_NOT_FOUND', 'no transaction with this id');
    return jsonResponse(200, {
      status: 'success',
      statusCode: 200,
      metadata: { requestId: state.requestId, transactionId },
      result: { transactionId, requests: records },
    });
  });
