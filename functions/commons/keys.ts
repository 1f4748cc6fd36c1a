import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * App keys look like `<appId>.<43 base64url chars>` (256 random bits), so a key alone (`x-api-key`)
 * names its app. Only sha256(key) is stored: with 256 bits of entropy a slow hash adds nothing.
 */

export const APP_ID_PATTERN = /^[A-Za-z0-9-]{3,64}$/;

export function isValidAppId(appId: string): boolean {
  return APP_ID_PATTERN.test(appId);
}

export function generateAppKey(appId: string): string {
  if (!isValidAppId(appId)) throw new Error(`invalid app id "${appId}": 3-64 letters, digits or '-'`);
  return `${appId}.${randomBytes(32).toString('base64url')}`;
}

export function hashAppKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The app a key names, or undefined when it is not shaped like one of our keys. */
export function appIdOfKey(key: string): string | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0) return undefined;
  const appId = key.slice(0, dot);
  return isValidAppId(appId) ? appId : undefined;
}

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatchesHash(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashAppKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
