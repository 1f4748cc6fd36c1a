import { ApiError } from '../apiErrors.js';
import type { Plan } from '../plans.js';
import type { Limits, RateLimiter } from '../stores/rateLimiter.js';
import type { ApiMiddleware } from './apiState.js';

/** What a route counts against the plan: its checks (rate and monthly quota), or the capture sessions it issues (a rate of their own). */
const COUNTED = {
  checks: { counter: (appId: string) => appId, limits: (plan: Plan): Limits => plan, unit: 'requests' },
  sessions: { counter: (appId: string) => `${appId}#sessions`, limits: (plan: Plan): Limits => ({ requestsPerMinute: plan.sessionsPerMinute }), unit: 'sessions' },
} as const;

/** The plan's exact limits: 429 with Retry-After past the per-minute rate, 403 once the month's quota is spent. */
export function rateLimit(limiter: () => RateLimiter, counted: keyof typeof COUNTED = 'checks'): ApiMiddleware {
  const { counter, limits, unit } = COUNTED[counted];
  return {
    before: async (request) => {
      const { app, plan } = request.context.api;
      if (!app || !plan) throw new Error('rateLimit needs authenticate before it');
      const planLimits = limits(plan);
      const admission = await limiter().admit(counter(app.appId), planLimits);
      if (admission.admitted) return;
      if (admission.reason === 'quota') {
        throw new ApiError('FORBIDDEN', 'QUOTA_EXCEEDED', 'the monthly quota of this plan is spent');
      }
      throw new ApiError('RATE_LIMITED', 'RATE_LIMITED', `at most ${planLimits.requestsPerMinute} ${unit} per minute on the ${app.plan} plan`, {
        retryAfterSeconds: admission.retryAfterSeconds,
      });
    },
  };
}
