import { createHmac, timingSafeEqual } from 'node:crypto';
import { isValidAppId } from './keys.js';
import type { AppRecord } from './stores/appStore.js';

/**
 * Deepvue's access token (`POST /v1/authorize`, then `Authorization: Bearer` beside `x-api-key` on
 * /v1/liveness-check): `dvt_<appId>.<expiry epoch seconds>.<HMAC-SHA256>`, signed with the app's
 * stored key hash. Nothing is stored, it names only its app, it never contains the key, and it dies
 * with its expiry or as soon as the app key is rotated (the hash it was signed with changes).
 */
export const ACCESS_TOKEN_PATTERN = /^dvt_([A-Za-z0-9-]{3,64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** How long an access token works: short, as the client asks for a new one when it expires. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** A bearer of this kind (`dvt_…`), well formed or not: it is then checked as an access token, never ignored. */
export const isAccessToken = (token: string): boolean => token.startsWith('dvt_');

const signature = (app: Pick<AppRecord, 'appId' | 'keyHash'>, expiresAt: number) =>
  createHmac('sha256', Buffer.from(app.keyHash, 'hex')).update(`deepvue-access:${app.appId}.${expiresAt}`).digest('base64url');

export interface IssuedAccessToken {
  readonly access_token: string;
  readonly token_type: 'bearer';
  /** When it stops working, ISO 8601 UTC. */
  readonly expiry: string;
}

/** A token for this app, valid for ACCESS_TOKEN_TTL_SECONDS from `now`. */
export function issueAccessToken(app: Pick<AppRecord, 'appId' | 'keyHash'>, now = new Date()): IssuedAccessToken {
  const expiresAt = Math.floor(now.getTime() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
  return {
    access_token: `dvt_${app.appId}.${expiresAt}.${signature(app, expiresAt)}`,
    token_type: 'bearer',
    expiry: new Date(expiresAt * 1000).toISOString(),
  };
}

/** True when `token` was issued for this app (with its current key) and has not expired. Constant-time on the signature. */
export function accessTokenIsValid(token: string, app: Pick<AppRecord, 'appId' | 'keyHash'>, now = new Date()): boolean {
  const found = ACCESS_TOKEN_PATTERN.exec(token);
  if (!found || found[1] !== app.appId || !isValidAppId(found[1])) return false;
  const expiresAt = Number(found[2]);
  if (expiresAt <= Math.floor(now.getTime() / 1000)) return false;
  const presented = Buffer.from(found[3]!, 'base64url');
  const expected = Buffer.from(signature(app, expiresAt), 'base64url');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
