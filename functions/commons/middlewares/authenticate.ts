import { ApiError } from '../apiErrors.js';
import { type PresentedCredential, presentedCredential } from '../credentials.js';
import { accessTokenIsValid } from '../deepvueAccessTokens.js';
import { appIdOfKey, isValidAppId, keyMatchesHash } from '../keys.js';
import { type Feature, isPlanName, PLANS } from '../plans.js';
import type { AppStore } from '../stores/appStore.js';
import type { SessionStore } from '../stores/sessionStore.js';
import { type ApiEvent, type ApiMiddleware, header } from './apiState.js';
import { findSession, requireIssuingKey, requireSessionTransaction } from './sessionCredentials.js';

/** Where a route reads its credential when not from the headers (Deepvue's POST /v1/authorize: form fields). */
export type CredentialsExtractor = (event: ApiEvent) => PresentedCredential;

const unauthorized = () => new ApiError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'appId and appKey (or x-api-key) are missing or invalid');

/**
 * The app key (headers read in one order: functions/commons/credentials.ts), or with `sessions` a
 * capture session token (`Authorization: Bearer lst_…`) in its place. 401 when missing or wrong,
 * 403 when the key is revoked or the plan lacks the route's feature. The app's plan is read now,
 * so a plan change applies to live sessions too; a session's check is taken later (useSessionCheck).
 */
export function authenticate(options: {
  apps: () => AppStore;
  feature: Feature;
  sessions?: () => SessionStore;
  /** Deepvue's access tokens (`Bearer dvt_…`) are checked beside the key. */
  accessTokens?: boolean;
  credentials?: CredentialsExtractor;
}): ApiMiddleware {
  const read: CredentialsExtractor =
    options.credentials ?? ((event) => presentedCredential(event.headers, { sessions: options.sessions !== undefined, accessTokens: options.accessTokens ?? false }));
  return {
    before: async (request) => {
      const { event, context } = request;
      const presented = read(event);
      if (presented.kind === 'none') throw unauthorized();
      const session = presented.kind === 'session' ? await findSession(event, presented.token, options.sessions!()) : undefined;
      const key = presented.kind === 'key' ? presented.key : undefined;
      // x-api-key alone works because our keys name their app; with appId the hash alone decides.
      const appId = session?.record.appId ?? (presented.kind === 'key' ? (presented.appId ?? appIdOfKey(presented.key)) : undefined);
      if (!appId || !isValidAppId(appId) || (key && key.length > 256)) throw unauthorized();
      const app = await options.apps().get(appId);
      if (!app || (key !== undefined && !keyMatchesHash(key, app.keyHash))) throw unauthorized();
      // Deepvue's access token: a separate credential kind, checked only when the route's credentials carry one.
      if (presented.kind === 'key' && presented.accessToken !== undefined && !accessTokenIsValid(presented.accessToken, app)) {
        throw new ApiError('UNAUTHORIZED', 'INVALID_ACCESS_TOKEN', 'the access token is invalid or expired: ask POST /v1/authorize for a new one');
      }
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
