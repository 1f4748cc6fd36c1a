import { ANONYMOUS_APP, type TransactionLog } from '../stores/transactionLog.js';
import type { ApiMiddleware, ApiRequest } from './apiState.js';

/**
 * Exactly one transaction log record per request, success or failure: runs after the error
 * middleware has turned any failure into a response. A failed write is logged, never thrown.
 */
export function transactionLogging(options: { log: () => TransactionLog; region: () => string }): ApiMiddleware {
  const write = async (request: ApiRequest) => {
    const state = request.context.api;
    if (!state) return;
    const statusCode = request.response?.statusCode ?? 500;
    const latencyMs = Math.round((performance.now() - state.startedMs) * 10) / 10;
    const transactionId = state.transactionId?.slice(0, 128);
    try {
      await options.log().record({
        ...state.outcome,
        requestId: state.requestId,
        ...(transactionId ? { transactionId } : {}),
        appId: state.app?.appId ?? ANONYMOUS_APP,
        // Who decided: the key holder, or a page holding one of its sessions.
        ...(state.app ? { credential: state.session ? 'session' : 'key' } : {}),
        ...(state.session ? { sessionId: state.session.sessionId } : {}),
        region: options.region(),
        time: state.receivedAt.toISOString(),
        statusCode,
        outcome: state.outcome?.outcome ?? (statusCode === 200 ? 'pass' : 'error'),
        latencyMs,
      });
    } catch (error) {
      state.log.error('transaction log write failed', { errorName: (error as Error).name, errorMessage: (error as Error).message });
    }
  };
  return { after: write, onError: write };
}
