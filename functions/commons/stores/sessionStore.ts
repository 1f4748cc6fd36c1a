import type { PlanName } from '../plans.js';

/** A capture session as stored: the token only as its sha256 hash. */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly appId: string;
  /** The plan the session was issued under: its limits and features apply to the checks it allows. */
  readonly plan: PlanName;
  /** checkLiveness calls still allowed; a use is taken by one conditional atomic update. */
  readonly checksLeft: number;
  readonly maxChecks: number;
  /** Epoch seconds; DynamoDB TTL removes the item some time after, so a use also checks it. */
  readonly expiresAt: number;
  readonly createdAt: string;
  /** The usage-plan key (sha256 of the app key) API Gateway meters the session's checks under. */
  readonly usageKey: string;
}

/** Why a token could not be used: unknown (never issued, or deleted), expired, or no checks left. */
export type SessionRefusal = 'unknown' | 'expired' | 'used';

export type SessionUse = { readonly used: true; readonly session: SessionRecord } | { readonly used: false; readonly reason: SessionRefusal };

/** Short-lived single-use (or few-use) capture tokens. */
export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** Takes one check from the session, atomically: of N concurrent uses of a k-check token exactly k succeed. */
  use(tokenHash: string, nowSeconds: number): Promise<SessionUse>;
  /** The session without using it (the authorizer's usage key lookup); undefined when unknown or expired. */
  peek(tokenHash: string, nowSeconds: number): Promise<SessionRecord | undefined>;
}
