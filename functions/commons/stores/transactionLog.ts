/**
 * One record per checkLiveness request, failures included. Never image bytes, embeddings or keys.
 */
export interface TransactionRecord {
  readonly requestId: string;
  /** Absent when the caller sent none (the request then failed). */
  readonly transactionId?: string;
  /** `anonymous` when the caller could not be authenticated. */
  readonly appId: string;
  readonly region: string;
  /** ISO 8601 time the request arrived. */
  readonly time: string;
  readonly statusCode: number;
  /** summary.action when there is one (pass | fail | manualReview), else `error`. */
  readonly outcome: string;
  /** Short error label for failures, e.g. "Rate limit error". */
  readonly error?: string;
  /** Stable reason code of a failure, e.g. FACE_NOT_DETECTED. */
  readonly reason?: string;
  readonly liveFace?: { readonly value: string; readonly confidence: string; readonly score: number };
  readonly qualityStatus?: string;
  readonly summaryCodes?: readonly string[];
  readonly facesDetected?: number;
  readonly latencyMs: number;
  readonly modelVersion?: string;
  /** What authenticated the request: the app key, or a capture session token (absent when none did). */
  readonly credential?: 'key' | 'session';
  /** The session (POST /v1/sessions `sessionId`, a hash) when credential is session. */
  readonly sessionId?: string;
  /** The live threshold that decided. */
  readonly threshold?: number;
  /** The rules document, and its version, that turned the assessment into the outcome. */
  readonly rules?: string;
  readonly rulesVersion?: string;
}

export const ANONYMOUS_APP = 'anonymous';

export interface TransactionLog {
  record(entry: TransactionRecord): Promise<void>;
  /** That app's records for a transaction id, oldest first. */
  byTransaction(appId: string, transactionId: string): Promise<TransactionRecord[]>;
}
