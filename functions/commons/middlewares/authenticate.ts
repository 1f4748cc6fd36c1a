import { ApiError } from '../apiErrors.js';
import { presentedCredential } from '../credentials.js';
import { appIdOfKey, isValidAppId, keyMatchesHash } from '../keys.js';
import { type Feature, isPlanName, PLANS } from '../plans.js';
import type { AppStore } from '../stores/appStore.js';
import type { SessionStore } from '../stores/sessionStore.js';
import { type ApiMiddleware, header } from './apiState.js';
import { findSession, requireIssuingKey, requireSessionTransaction } from './sessionCredentials.js';

const unauthorized = () => new ApiError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'appId and appKey (or x-api-key) are missing or invalid');

/**
 * The app key (headers read in one order: functions/commons/credentials.ts), or with `sessions` a
 * capture session token (`Authorization: Bearer lst_…`) in its place. 401 when missing or wrong,
 * 403 when the key is revoked or the plan lacks the route's feature. The app's plan is read now,
 * so a plan change applies to live sessions too; a session's check is taken later (useSessionCheck).
 */
export function authenticate(options: { apps: () => AppStore; feature: Feature; sessions?: () => SessionStore }): ApiMiddleware {
  return {
    before: async (request) => {
      const { event, context } = request;
      const presented = presentedCredential(event.headers, { sessions: options.sessions !== undefined });
      if (presented.kind === 'none') throw unauthorized();
      const session = presented.kind === 'session' ? await findSession(event, presented.token, options.sessions!()) : undefined;
      const key = presented.kind === 'key' ? presented.key : undefined;
      // x-api-key alone works because our keys name their app; with appId the hash alone decides.
      const appId = session?.record.appId ?? (presented.kind === 'key' ? (presented.appId ?? appIdOfKey(presented.key)) : undefined);
      if (!appId || !isValidAppId(appId) || (key && key.length > 256)) throw unauthorized();
      const app = await options.apps().get(appId);
      if (!app || (key !== undefined && !keyMatchesHash(key, app.keyHash))) throw unauthorized();
      if (app.status !== 'active') throw new ApiError('FORBIDDEN', 'KEY_REVOKED', 'this app key has been revoked');
      if (session) requireIssuingKey(session, app);
      if (!isPlanName(app.plan)) throw new ApiError('FORBIDDEN', 'UNKNOWN_PLAN', 'this app has no valid plan');
      const plan = PLANS[app.plan];
      if (!(plan.features as readonly Feature[]).includes(options.feature)) {
        throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${app.plan} plan does not include ${options.feature}`);
      }
      context.api.app = app;
      context.api.plan = plan;
      if (session) {
        context.api.session = session;
        // Logged under the session's journey, refusals too: never into the one a page names.
        context.api.transactionId = session.record.transactionId;
      }
      context.api.log.appendKeys({
        appId,
        credential: session ? 'session' : 'key',
        ...(session ? { sessionId: session.sessionId, transactionId: context.api.transactionId } : {}),
      });
      if (session) requireSessionTransaction(session, header(event, 'transactionid'));
    },
  };
}
