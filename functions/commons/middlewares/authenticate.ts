import { ApiError } from '../apiErrors.js';
import { accessTokenIsValid } from '../deepvueAccessTokens.js';
import { appIdOfKey, isValidAppId, keyMatchesHash } from '../keys.js';
import { type Feature, isPlanName, PLANS } from '../plans.js';
import type { AppStore } from '../stores/appStore.js';
import type { SessionStore } from '../stores/sessionStore.js';
import { type ApiEvent, type ApiMiddleware, header } from './apiState.js';
import { bearerToken, useSession } from './sessionCredentials.js';

/** The app key a request presents, and the app id when it names one separately. */
export interface PresentedCredentials {
  readonly key?: string;
  readonly appId?: string;
  /** Deepvue's access token from POST /v1/authorize, presented beside the key: it must be this app's and unexpired. */
  readonly accessToken?: string;
}
/** Reads a route's credential headers (a vendor's style) as our app key and app id. */
export type CredentialsExtractor = (event: ApiEvent) => PresentedCredentials;

/** Ours (HyperVerge's): `appKey` (+ `appId`), or `x-api-key` alone. */
export const appKeyHeaders: CredentialsExtractor = (event) => ({
  key: header(event, 'appkey') ?? header(event, 'x-api-key'),
  appId: header(event, 'appid'),
});

const unauthorized = () => new ApiError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'appId and appKey (or x-api-key) are missing or invalid');

/**
 * `appId` + `appKey` headers, or `x-api-key` alone (our keys name their app). 401 when missing or
 * wrong, 403 when the key is revoked or the plan lacks the route's feature. With `sessions`, a capture
 * session token (`Authorization: Bearer`) is accepted in place of the key (one check used per request).
 */
export function authenticate(options: {
  apps: () => AppStore;
  feature: Feature;
  credentials?: CredentialsExtractor;
  sessions?: () => SessionStore;
}): ApiMiddleware {
  const credentials = options.credentials ?? appKeyHeaders;
  return {
    before: async (request) => {
      const { event, context } = request;
      // Routes without `sessions` ignore Authorization entirely (a bearer token there is no credential).
      const token = options.sessions ? bearerToken(event) : undefined;
      const session = token !== undefined ? await useSession(event, token, options.sessions!()) : undefined;
      const presented = session ? {} : credentials(event);
      const key = presented.key;
      if (!session && !key) throw unauthorized();
      // x-api-key alone works because our keys name their app; with appId the hash alone decides.
      const appId = session?.appId ?? presented.appId ?? appIdOfKey(key!);
      if (!appId || !isValidAppId(appId) || (key && key.length > 256)) throw unauthorized();
      const app = await options.apps().get(appId);
      if (!app || (key !== undefined && !keyMatchesHash(key, app.keyHash))) throw unauthorized();
      // Deepvue's access token: a separate credential kind, checked only when the route's credentials carry one.
      if (presented.accessToken !== undefined && !accessTokenIsValid(presented.accessToken, app)) {
        throw new ApiError('UNAUTHORIZED', 'INVALID_ACCESS_TOKEN', 'the access token is invalid or expired: ask POST /v1/authorize for a new one');
      }
      if (app.status !== 'active') throw new ApiError('FORBIDDEN', 'KEY_REVOKED', 'this app key has been revoked');
      // A session keeps the plan it was issued under (scoped to that app and plan).
      const planName = session?.plan ?? app.plan;
      if (!isPlanName(planName)) throw new ApiError('FORBIDDEN', 'UNKNOWN_PLAN', 'this app has no valid plan');
      const plan = PLANS[planName];
      if (!(plan.features as readonly Feature[]).includes(options.feature)) {
        throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${planName} plan does not include ${options.feature}`);
      }
      context.api.app = app;
      context.api.plan = plan;
      context.api.log.appendKeys({ appId, ...(session ? { credential: 'session' } : {}) });
    },
  };
}
