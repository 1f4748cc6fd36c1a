import type { PlanName } from '../plans.js';

export type AppStatus = 'active' | 'revoked';

/** An app as stored: the key only as its sha256 hash. */
export interface AppRecord {
  readonly appId: string;
  readonly keyHash: string;
  readonly plan: PlanName;
  readonly status: AppStatus;
  readonly description?: string;
  /** Rules document overriding the plan's for this app (functions/liveness/rules). */
  readonly rules?: string;
  /** Browser origins (`https://shop.example`) whose pages may call checkLiveness with a session token. */
  readonly allowedOrigins?: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export class AppNotFoundError extends Error {
  constructor(readonly appId: string) {
    super(`app "${appId}" does not exist`);
    this.name = 'AppNotFoundError';
  }
}

export class AppExistsError extends Error {
  constructor(readonly appId: string) {
    super(`app "${appId}" already exists`);
    this.name = 'AppExistsError';
  }
}

/** Fields that can change; `rules: null` removes the app's override, `allowedOrigins: null` every origin. */
export type AppChange = Partial<Pick<AppRecord, 'keyHash' | 'plan' | 'status'>> & {
  readonly rules?: string | null;
  readonly allowedOrigins?: readonly string[] | null;
};

/** Apps and their hashed keys. */
export interface AppStore {
  get(appId: string): Promise<AppRecord | undefined>;
  /** Fails with AppExistsError when the app id is taken. */
  create(app: AppRecord): Promise<void>;
  list(): Promise<AppRecord[]>;
  /** Fails with AppNotFoundError. */
  update(appId: string, change: AppChange): Promise<AppRecord>;
}
