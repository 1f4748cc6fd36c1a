import { isSessionToken } from './captureSessions.js';
import { isAccessToken } from './deepvueAccessTokens.js';
import { appIdOfKey } from './keys.js';

/**
 * What a request presents as its credential. The handlers (authenticate) and the gateway
 * authorizer both read it through `presentedCredential`, so the gateway meters the app the
 * handler authenticates.
 */
export type PresentedCredential =
  | { readonly kind: 'session'; readonly token: string }
  | {
      readonly kind: 'key';
      readonly key: string;
      readonly appId?: string;
      /** Deepvue's access token from POST /v1/authorize, presented beside the key: it must be this app's and unexpired. */
      readonly accessToken?: string;
    }
  | { readonly kind: 'none' };

/** App key headers, in order of precedence: ours, the 003 API's, then Authorization (002's raw key, Deepvue's Bearer). */
export const KEY_HEADERS = ['x-api-key', 'appkey', 'app_key'] as const;
/** App id headers: ours, the 003 API's. */
export const APP_ID_HEADERS = ['appid', 'app_id'] as const;

type Headers = Readonly<Record<string, string | null | undefined>> | null | undefined;

/**
 * The one order of credential headers (any header case):
 * 1. `Authorization: Bearer lst_…` shaped like a capture session token, where sessions are accepted;
 * 2. `x-api-key`, `appKey`, `app_key`, with `appId`/`app_id`;
 *    (with `accessTokens`, Deepvue's `Authorization: Bearer dvt_…` is the access token beside that key);
 * 3. `Authorization` as the app key (raw, or `Bearer <key>`): only when no key header is sent, so
 *    another scheme there (a Deepvue JWT, Basic, an unknown token) never overrides a valid key.
 */
export function presentedCredential(headers: Headers, options: { readonly sessions: boolean; readonly accessTokens?: boolean }): PresentedCredential {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = value === null || value === undefined ? '' : String(value).trim();
    if (text !== '') byName.set(name.toLowerCase(), text);
  }
  const authorization = byName.get('authorization');
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (options.sessions && bearer !== undefined && isSessionToken(bearer)) return { kind: 'session', token: bearer };
  const appId = APP_ID_HEADERS.map((name) => byName.get(name)).find((v) => v !== undefined);
  const named = KEY_HEADERS.map((name) => byName.get(name)).find((v) => v !== undefined);
  // Deepvue: `Bearer dvt_…` is an access token to check beside the key, never the key itself.
  if (options.accessTokens && bearer !== undefined && isAccessToken(bearer)) {
    return named === undefined ? { kind: 'none' } : { kind: 'key', key: named, ...(appId !== undefined ? { appId } : {}), accessToken: bearer };
  }
  const fromAuthorization = bearer ?? (authorization !== undefined && !/\s/.test(authorization) ? authorization : undefined);
  // Only a value that can be our key: one naming its app, or sent with an appId (002); never a session token.
  const couldBeKey = (value: string) => !value.startsWith('lst_') && (appIdOfKey(value) !== undefined || appId !== undefined);
  const key = named ?? (fromAuthorization !== undefined && couldBeKey(fromAuthorization) ? fromAuthorization : undefined);
  if (key === undefined) return { kind: 'none' };
  return { kind: 'key', key, ...(appId !== undefined ? { appId } : {}) };
}
