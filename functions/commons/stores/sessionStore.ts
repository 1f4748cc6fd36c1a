import type { LivenessOptions } from '../livenessRequest.js';
import type { PlanName } from '../plans.js';

/** A capture session as stored: the token only as its sha256 hash. */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly appId: string;
  /** The plan when the session was issued (for the record): a check uses the app's plan at that time. */
  readonly plan: PlanName;
  /** The one journey the session may add checks to. */
  readonly transactionId: string;
  /** Every option that shapes the check, fixed by the key holder: a page may repeat one, never change it. */
  readonly options: LivenessOptions;
  /** checkLiveness calls still allowed; a use is taken by one conditional atomic update. */
  readonly checksLeft: number;
  readonly maxChecks: number;
  /** Epoch seconds after which the token is refused (each use checks it). */
  readonly expiresAt: number;
  /** Epoch seconds DynamoDB TTL deletes the item after (a day past expiresAt). */
  readonly deleteAt: number;
  readonly createdAt: string;
  /** sha256 of the app key that created it: the usage-plan key API Gateway meters under, and a rotated key ends the session. */
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
  /** The session as stored, expired or used up included (a strongly consistent read); undefined when unknown. */
  get(tokenHash: string): Promise<SessionRecord | undefined>;
}
