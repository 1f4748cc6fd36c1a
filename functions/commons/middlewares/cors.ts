import { ApiError } from '../apiErrors.js';
import { type ApiMiddleware, type ApiRequest, header } from './apiState.js';

/** What a capture page may send and read: the one place the local gateway and the CDK preflight share. */
export const CORS_POLICY = {
  allowMethods: ['POST', 'OPTIONS'],
  allowHeaders: ['Authorization', 'Content-Type', 'transactionId'],
  exposeHeaders: ['Retry-After'],
  maxAgeSeconds: 600,
} as const;

const isAllowed = (request: ApiRequest, origin: string) => request.context.api?.app?.allowedOrigins?.includes(origin) === true;

/**
 * Browser access to one route. A preflight (OPTIONS) carries no credentials, so it cannot name the
 * app: it is answered for any origin, and the app's own list is enforced on the real request
 * (requireAllowedOrigin). Responses carry Access-Control-Allow-Origin only for an allowed origin,
 * or for errors raised before the app is known (an error envelope holds nothing private), so a
 * capture page can tell "expired" from "no network".
 */
export function browserCors(): ApiMiddleware {
  const addHeaders = (request: ApiRequest) => {
    const origin = header(request.event, 'origin');
    const response = request.response;
    if (!origin || !response) return;
    const unauthenticatedError = response.statusCode >= 400 && !request.context.api?.app;
    const headers: Record<string, string | number | boolean> = { ...response.headers, vary: 'Origin' };
    if (isAllowed(request, origin) || unauthenticatedError) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-expose-headers'] = CORS_POLICY.exposeHeaders.join(', ');
    }
    response.headers = headers;
  };
  return {
    before: (request) => {
      if (request.event.httpMethod !== 'OPTIONS') return undefined;
      const origin = header(request.event, 'origin');
      return {
        statusCode: 204,
        headers: {
          vary: 'Origin',
          ...(origin
            ? {
                'access-control-allow-origin': origin,
                'access-control-allow-methods': CORS_POLICY.allowMethods.join(', '),
                'access-control-allow-headers': CORS_POLICY.allowHeaders.join(', '),
                'access-control-max-age': String(CORS_POLICY.maxAgeSeconds),
              }
            : {}),
        },
        body: '',
      };
    },
    after: addHeaders,
    onError: addHeaders,
  };
}

/** After authenticate: a request from a browser page (it has an Origin) must come from one the app allows. */
export function requireAllowedOrigin(): ApiMiddleware {
  return {
    before: (request) => {
      const origin = header(request.event, 'origin');
      if (origin === undefined || isAllowed(request, origin)) return;
      throw new ApiError('FORBIDDEN', 'ORIGIN_NOT_ALLOWED', 'this page\'s origin is not allowed for this app (keys CLI: set-origins)');
    },
  };
}
