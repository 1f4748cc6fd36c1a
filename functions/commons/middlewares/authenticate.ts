import { ApiError } from '../apiErrors.js';
import { appIdOfKey, isValidAppId, keyMatchesHash } from '../keys.js';
import { type Feature, isPlanName, PLANS } from '../plans.js';
import type { AppStore } from '../stores/appStore.js';
import { type ApiEvent, type ApiMiddleware, header } from './apiState.js';

/** The app key a request presents, and the app id when it names one separately. */
export interface PresentedCredentials {
  readonly key?: string;
  readonly appId?: string;
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
 * wrong, 403 when the key is revoked or the plan lacks the route's feature.
 */
export function authenticate(options: { apps: () => AppStore; feature: Feature; credentials?: CredentialsExtractor }): ApiMiddleware {
  const credentials = options.credentials ?? appKeyHeaders;
  return {
    before: async (request) => {
      const { event, context } = request;
      const presented = credentials(event);
      const key = presented.key;
      if (!key) throw unauthorized();
      // x-api-key alone works because our keys name their app; with appId the hash alone decides.
      const appId = presented.appId ?? appIdOfKey(key);
      if (!appId || !isValidAppId(appId) || key.length > 256) throw unauthorized();
      const app = await options.apps().get(appId);
      if (!app || !keyMatchesHash(key, app.keyHash)) throw unauthorized();
      if (app.status !== 'active') throw new ApiError('FORBIDDEN', 'KEY_REVOKED', 'this app key has been revoked');
      if (!isPlanName(app.plan)) throw new ApiError('FORBIDDEN', 'UNKNOWN_PLAN', 'this app has no valid plan');
      const plan = PLANS[app.plan];
      if (!(plan.features as readonly Feature[]).includes(options.feature)) {
        throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${app.plan} plan does not include ${options.feature}`);
      }
      context.api.app = app;
      context.api.plan = plan;
      context.api.log.appendKeys({ appId });
    },
  };
}
