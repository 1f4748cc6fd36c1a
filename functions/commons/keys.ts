import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ANONYMOUS_APP } from './stores/transactionLog.js';

/**
 * App keys look like `<appId>.<43 base64url chars>` (256 random bits), so a key alone (`x-api-key`)
 * names its app. Only sha256(key) is stored: with 256 bits of entropy a slow hash adds nothing.
 */

export const APP_ID_PATTERN = /^[A-Za-z0-9-]{3,64}$/;

export function isValidAppId(appId: string): boolean {
  return APP_ID_PATTERN.test(appId);
}

/** The principal the gateway authorizer names a request by when its key names no app. */
export const UNKNOWN_APP = 'unknown-app';

/** App ids the code uses for itself, and why an app may not take one (compared in any letter case). */
export const RESERVED_APP_IDS: Readonly<Record<string, string>> = {
  [ANONYMOUS_APP]: 'the transaction log files requests that no app authenticated under it, so its owner would read every app\'s refusals',
  [UNKNOWN_APP]: 'the gateway authorizer names requests whose key names no app by it',
};

/** Why an app id is reserved, or undefined when an app may have it. */
export function reservedAppIdReason(appId: string): string | undefined {
  const reserved = Object.keys(RESERVED_APP_IDS).find((name) => name.toLowerCase() === appId.toLowerCase());
  return reserved === undefined ? undefined : `"${appId}" is a reserved app id: ${RESERVED_APP_IDS[reserved]}`;
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
