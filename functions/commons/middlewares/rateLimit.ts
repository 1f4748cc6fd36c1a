import { ApiError } from '../apiErrors.js';
import type { RateLimiter } from '../stores/rateLimiter.js';
import type { ApiMiddleware } from './apiState.js';

/** The plan's exact limits: 429 with Retry-After past the per-minute rate, 403 once the month's quota is spent. */
export function rateLimit(limiter: () => RateLimiter): ApiMiddleware {
  return {
    before: async (request) => {
      const { app, plan } = request.context.api;
      if (!app || !plan) throw new Error('rateLimit needs authenticate before it');
      const admission = await limiter().admit(app.appId, plan);
      if (admission.admitted) return;
      if (admission.reason === 'quota') {
        throw new ApiError('FORBIDDEN', 'QUOTA_EXCEEDED', 'the monthly quota of this plan is spent');
      }
      throw new ApiError('RATE_LIMITED', 'RATE_LIMITED', `at most ${plan.requestsPerMinute} requests per minute`, {
        retryAfterSeconds: admission.retryAfterSeconds,
      });
    },
  };
}
