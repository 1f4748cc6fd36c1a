/**
 * THE single description of every DynamoDB table. The CDK stack creates the tables from it, the
 * local stack creates them in DynamoDB Local from it, and the stores read their key names from it.
 */

export type AttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndex {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDescription {
  /** Stable logical name (CDK construct id, local table name suffix). */
  readonly logicalName: string;
  /** Environment variable holding the physical table name for the functions. */
  readonly envVar: string;
  /** Physical name used when the environment variable is unset (local stack, tests). */
  readonly defaultName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Epoch-seconds attribute DynamoDB TTL deletes items by. */
  readonly ttlAttribute?: string;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndex[];
  readonly description: string;
}

export const TABLES = {
  /** One item per app: hashed key, plan, status. Never the clear key. */
  apps: {
    logicalName: 'Apps',
    envVar: 'LIVENESS_APPS_TABLE',
    defaultName: 'liveness-apps',
    partitionKey: { name: 'appId', type: 'S' },
    globalSecondaryIndexes: [],
    description: 'apps and their hashed keys, plan and status (active | revoked)',
  },
  /** Rate-limit counters: one item per app per minute and per app per month, expired by TTL. */
  rateLimits: {
    logicalName: 'RateLimits',
    envVar: 'LIVENESS_RATE_LIMITS_TABLE',
    defaultName: 'liveness-rate-limits',
    partitionKey: { name: 'counterId', type: 'S' },
    ttlAttribute: 'expiresAt',
    globalSecondaryIndexes: [],
    description: 'per-app per-minute and per-month request counters (conditional atomic updates)',
  },
  /** One record per checkLiveness request, failures included; no image bytes, embeddings or keys. */
  transactionLog: {
    logicalName: 'TransactionLog',
    envVar: 'LIVENESS_TRANSACTIONS_TABLE',
    defaultName: 'liveness-transactions',
    partitionKey: { name: 'transactionKey', type: 'S' },
    sortKey: { name: 'requestId', type: 'S' },
    ttlAttribute: 'expiresAt',
    globalSecondaryIndexes: [
      {
        indexName: 'byAppTime',
        partitionKey: { name: 'appId', type: 'S' },
        sortKey: { name: 'time', type: 'S' },
        projection: 'ALL',
      },
    ],
    description: 'transaction log: keyed by "<appId>#<transactionId>" then requestId; index by app and time',
  },
  /** Capture sessions: one item per browser token, keyed by its sha256 (never the token), deleted by TTL a day after expiry. */
  sessions: {
    logicalName: 'Sessions',
    envVar: 'LIVENESS_SESSIONS_TABLE',
    defaultName: 'liveness-sessions',
    partitionKey: { name: 'tokenHash', type: 'S' },
    // Not expiresAt: a page presenting an expired token is told "expired", not "unknown", for a day.
    ttlAttribute: 'deleteAt',
    globalSecondaryIndexes: [],
    description: 'short-lived capture session tokens (hashed): app, plan, checks left, expiry (conditional atomic use)',
  },
} as const satisfies Record<string, TableDescription>;

export type TableName = keyof typeof TABLES;

export const TABLE_LIST: readonly TableDescription[] = Object.values(TABLES);
