import { sharedRulesResolver } from '../liveness/rules/index.js';
import { appIdOfKey, generateAppKey, hashAppKey, isValidAppId, reservedAppIdReason } from './keys.js';
import { DEFAULT_PLAN, isPlanName, PLAN_NAMES, type PlanName } from './plans.js';
import type { AppRecord, AppStore } from './stores/appStore.js';

/** Operations on apps and keys (ops CLI, local dev app). The clear key is returned once, never stored. */
export class AppAdmin {
  constructor(private readonly apps: AppStore) {}

  /** Creates an app; `key` lets a developer choose it (local dev), else a random one is made. */
  async create(appId: string, options: { plan?: string; key?: string; description?: string } = {}) {
    if (!isValidAppId(appId)) throw new Error(`invalid app id "${appId}": 3-64 letters, digits or '-'`);
    const reserved = reservedAppIdReason(appId);
    if (reserved) throw new Error(`${reserved}; choose another name`);
    const plan = this.plan(options.plan ?? DEFAULT_PLAN);
    const key = options.key ?? generateAppKey(appId);
    checkChosenKey(appId, key);
    const now = new Date().toISOString();
    const app: AppRecord = {
      appId,
      keyHash: hashAppKey(key),
      plan,
      status: 'active',
      ...(options.description ? { description: options.description } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.apps.create(app);
    return { app, key };
  }

  /** A new key (the old one stops working at once); re-activates a revoked app. */
  async rotate(appId: string, key = generateAppKey(appId)) {
    checkChosenKey(appId, key);
    const app = await this.apps.update(appId, { keyHash: hashAppKey(key), status: 'active' });
    return { app, key };
  }

  revoke(appId: string): Promise<AppRecord> {
    return this.apps.update(appId, { status: 'revoked' });
  }

  setPlan(appId: string, plan: string): Promise<AppRecord> {
    return this.apps.update(appId, { plan: this.plan(plan) });
  }

  /** A rules document for this app instead of its plan's; null goes back to the plan's. */
  setRules(appId: string, rules: string | null): Promise<AppRecord> {
    if (rules !== null && !sharedRulesResolver().names().includes(rules)) {
      throw new Error(`unknown rules document "${rules}"; known: ${sharedRulesResolver().names().join(', ')}`);
    }
    return this.apps.update(appId, { rules });
  }

  /** The browser origins allowed to use this app's capture sessions; an empty list allows none. */
  setOrigins(appId: string, origins: readonly string[]): Promise<AppRecord> {
    const normalised = [...new Set(origins.map(normaliseOrigin))];
    return this.apps.update(appId, { allowedOrigins: normalised.length > 0 ? normalised : null });
  }

  list(): Promise<AppRecord[]> {
    return this.apps.list();
  }

  private plan(name: string): PlanName {
    if (!isPlanName(name)) throw new Error(`unknown plan "${name}"; known: ${PLAN_NAMES.join(', ')}`);
    return name;
  }
}

/**
 * Why a chosen key cannot be this app's, or undefined. The authenticator refuses keys over 256
 * characters; short keys are guessable; a key shaped `<appId>.<secret>` names its app (`x-api-key`
 * alone), so one naming another app would be stored and then never authenticate.
 */
export function chosenKeyProblem(appId: string, key: string): string | undefined {
  if (key.length < 16 || key.length > 256) return `an app key must be 16 to 256 characters (got ${key.length})`;
  const named = appIdOfKey(key);
  if (named !== undefined && named !== appId) return `the key names app "${named}" (the part before the first '.'), not "${appId}": use ${appId}.<secret>`;
  return undefined;
}

function checkChosenKey(appId: string, key: string): void {
  const problem = chosenKeyProblem(appId, key);
  if (problem) throw new Error(problem);
}

/** `https://a.example` (scheme, host, optional port; nothing else) as browsers send it in `Origin`. */
export function normaliseOrigin(origin: string): string {
  // The Origin header is compared exactly; a pattern would have to be matched, and is not supported.
  if (origin.includes('*')) {
    throw new Error(`wildcard origin "${origin}" is not supported: list each origin exactly, e.g. https://shop.example,https://www.shop.example`);
  }
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    throw new Error(`invalid origin "${origin}": expected e.g. https://shop.example or http://localhost:3000`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!/^https?:$/.test(url.protocol) || !bare) {
    throw new Error(`invalid origin "${origin}": only scheme://host[:port], http or https, no path`);
  }
  return url.origin;
}

/** What may be shown of an app: never the key hash. */
export const publicView = ({ keyHash: _hash, ...rest }: AppRecord) => rest;
