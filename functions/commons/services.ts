import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { dynamoDbClient, s3Client } from './clients.js';
import { type LivenessConfig, loadConfig } from './config.js';
import type { AppStore } from './stores/appStore.js';
import type { CropStore } from './stores/cropStore.js';
import { DynamoDbAppStore } from './stores/dynamodb/DynamoDbAppStore.js';
import { DynamoDbSessionStore } from './stores/dynamodb/DynamoDbSessionStore.js';
import { DynamoDbRateLimiter } from './stores/dynamodb/DynamoDbRateLimiter.js';
import { DynamoDbTransactionLog } from './stores/dynamodb/DynamoDbTransactionLog.js';
import type { RateLimiter } from './stores/rateLimiter.js';
import type { SessionStore } from './stores/sessionStore.js';
import { S3CropStore } from './stores/s3/S3CropStore.js';
import type { TransactionLog } from './stores/transactionLog.js';

/** The adapters a handler reaches, built once per process from the environment. */
export interface Services {
  readonly config: LivenessConfig;
  readonly db: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly apps: AppStore;
  readonly rateLimiter: RateLimiter;
  readonly transactionLog: TransactionLog;
  readonly crops: CropStore;
  readonly sessions: SessionStore;
}

export function buildServices(config: LivenessConfig): Services {
  const db = dynamoDbClient(config);
  const s3 = s3Client(config);
  const signer = config.s3PublicEndpoint !== config.s3Endpoint ? s3Client(config, config.s3PublicEndpoint) : s3;
  return {
    config,
    db,
    s3,
    apps: new DynamoDbAppStore(db, config.tables.apps),
    rateLimiter: new DynamoDbRateLimiter(db, config.tables.rateLimits),
    transactionLog: new DynamoDbTransactionLog(db, config.tables.transactionLog, config.transactionRetentionDays),
    sessions: new DynamoDbSessionStore(db, config.tables.sessions),
    crops: new S3CropStore(s3, {
      bucket: config.cropsBucket,
      urlTtlSeconds: config.cropUrlTtlSeconds,
      retentionSeconds: config.cropRetentionSeconds,
      signer,
    }),
  };
}

let shared: Services | undefined;
/** Built on first use (not at import), so a process can set its environment first. */
export const services = (): Services => (shared ??= buildServices(loadConfig()));
