import { publishRequestMetrics } from '../powertools.js';
import type { ApiMiddleware, ApiRequest } from './apiState.js';

/** Latency, decisions and errors for every request; runs after the error middleware has answered. */
export function requestMetrics(): ApiMiddleware {
  const publish = (request: ApiRequest) => {
    const state = request.context.api;
    if (!state) return;
    try {
      const latencyMs = Math.round((performance.now() - state.startedMs) * 10) / 10;
      publishRequestMetrics(state.route, request.response?.statusCode ?? 500, state.outcome?.outcome, latencyMs);
    } catch (error) {
      state.log.warn('metrics not published', { errorName: (error as Error).name });
    }
  };
  return { after: publish, onError: publish };
}
