import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LivenessRequest } from '../livenessRequest.js';
import type { Plan } from '../plans.js';
import { logger } from '../powertools.js';
import type { AppRecord } from '../stores/appStore.js';
import type { PresentedSession } from './sessionCredentials.js';
import type { TransactionRecord } from '../stores/transactionLog.js';

/** What the middlewares of one request learn, in the order they learn it. */
export interface ApiState {
  readonly route: string;
  readonly requestId: string;
  /** The transactionId header as sent (validated by the parser where it is required), or the session's journey. */
  transactionId?: string;
  readonly receivedAt: Date;
  readonly startedMs: number;
  readonly log: Logger;
  app?: AppRecord;
  plan?: Plan;
  /** The capture session the request presented instead of the app key (its check is taken after the rate limit). */
  session?: PresentedSession;
  livenessRequest?: LivenessRequest;
  /** Decision fields for the transaction log, set by the domain call. */
  outcome?: Partial<TransactionRecord>;
}

export type ApiContext = Context & { api: ApiState };
export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;
export type ApiMiddleware = middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext>;
export type ApiRequest = middy.Request<ApiEvent, ApiResult, Error, ApiContext>;

/** Header value after @middy/http-header-normalizer (lower-case names). */
export const header = (event: ApiEvent, name: string): string | undefined => {
  const value = event.headers?.[name.toLowerCase()];
  return value === undefined || value === null ? undefined : String(value);
};

/**
 * First middleware: request and transaction ids, arrival time, a child logger carrying both ids.
 * `transactionIdFallsBackToRequestId`: for vendor routes, whose clients send no transactionId header.
 */
export function apiState(route: string, options: { transactionIdFallsBackToRequestId?: boolean } = {}): ApiMiddleware {
  return {
    before: (request) => {
      const { event, context } = request;
      const requestId = event.requestContext?.requestId || context.awsRequestId;
      const sent = header(event, 'transactionid');
      const transactionId = sent === undefined && options.transactionIdFallsBackToRequestId ? requestId : sent;
      context.api = {
        route,
        requestId,
        transactionId,
        receivedAt: new Date(),
        startedMs: performance.now(),
        log: logger.createChild({ persistentKeys: { route, requestId, ...(transactionId ? { transactionId: transactionId.slice(0, 128) } : {}) } }),
      };
    },
  };
}
