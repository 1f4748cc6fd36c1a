import { TABLES, type TableName } from './tables.js';

/**
 * Typed configuration of the functions, read from the environment. Every variable:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | LIVENESS_REGION_CODE | from AWS_REGION, else `local` | API region code written in the log (zaf, irl, ind, idn, sgp, usa) |
 * | LIVENESS_APPS_TABLE | liveness-apps | DynamoDB table of apps and hashed keys |
 * | LIVENESS_RATE_LIMITS_TABLE | liveness-rate-limits | DynamoDB table of rate-limit counters |
 * | LIVENESS_TRANSACTIONS_TABLE | liveness-transactions | DynamoDB transaction log table |
 * | LIVENESS_CROPS_BUCKET | liveness-crops | S3 bucket of cropped faces (private, encrypted, lifecycle expiry) |
 * | LIVENESS_CROP_URL_TTL_SECONDS | 300 | lifetime of a signed cropped-face URL |
 * | LIVENESS_CROP_RETENTION_SECONDS | 86400 | after this a crop is treated as gone (404) even before the bucket lifecycle deletes it |
 * | LIVENESS_TRANSACTION_RETENTION_DAYS | 90 | TTL of transaction log records |
 * | LIVENESS_SESSIONS_TABLE | liveness-sessions | DynamoDB table of capture session tokens (hashed) |
 * | LIVENESS_SESSION_TTL_SECONDS | 300 | default lifetime of a capture session token (POST /v1/sessions may ask for less or up to 3600) |
 * | LIVENESS_SESSION_MAX_CHECKS | 1 | default number of checkLiveness calls one session token allows (a request may ask up to 10) |
 * | LIVENESS_MAX_BODY_BYTES | 6291456 | request bodies larger than this get 413 before decoding |
 * | LIVENESS_DYNAMODB_ENDPOINT | (AWS) | DynamoDB endpoint override, e.g. DynamoDB Local |
 * | LIVENESS_S3_ENDPOINT | (AWS) | S3 endpoint override, e.g. the local S3 server (path-style addressing) |
 * | LIVENESS_S3_PUBLIC_ENDPOINT | LIVENESS_S3_ENDPOINT | endpoint written into signed URLs when callers reach S3 by another address |
 * | LIVENESS_MAX_FRAMES | 8 | frames of one capture per request (1 to 8); more → 400 TOO_MANY_FRAMES |
 * | LIVENESS_MAX_FRAMES_BYTES | 6291456 | bytes of all frames together (after base64 decoding); more → 413 FRAMES_TOO_LARGE |
 * | LIVENESS_MAX_FRAME_PIXELS | 16777216 | pixels of any one frame (width x height as sent); more → 413 IMAGE_TOO_LARGE |
 *
 * Powertools reads its own: POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE,
 * POWERTOOLS_METRICS_DISABLED. The engine reads LIVENESS_MODEL_DIR.
 */
export interface LivenessConfig {
  readonly regionCode: string;
  readonly awsRegion: string;
  readonly tables: Readonly<Record<TableName, string>>;
  readonly cropsBucket: string;
  readonly cropUrlTtlSeconds: number;
  readonly cropRetentionSeconds: number;
  readonly transactionRetentionDays: number;
  readonly maxBodyBytes: number;
  readonly sessionTtlSeconds: number;
  readonly sessionMaxChecks: number;
  readonly dynamoDbEndpoint?: string;
  readonly s3Endpoint?: string;
  readonly s3PublicEndpoint?: string;
  /** Limits of a multi-frame request (the merged level). */
  readonly frames: { readonly maxFrames: number; readonly maxTotalBytes: number; readonly maxFramePixels: number };
}

/** Environment variable names, for the CDK stack and the local stack. */
export const ENV = {
  regionCode: 'LIVENESS_REGION_CODE',
  appsTable: TABLES.apps.envVar,
  rateLimitsTable: TABLES.rateLimits.envVar,
  transactionsTable: TABLES.transactionLog.envVar,
  sessionsTable: TABLES.sessions.envVar,
  sessionTtlSeconds: 'LIVENESS_SESSION_TTL_SECONDS',
  sessionMaxChecks: 'LIVENESS_SESSION_MAX_CHECKS',
  cropsBucket: 'LIVENESS_CROPS_BUCKET',
  cropUrlTtlSeconds: 'LIVENESS_CROP_URL_TTL_SECONDS',
  cropRetentionSeconds: 'LIVENESS_CROP_RETENTION_SECONDS',
  transactionRetentionDays: 'LIVENESS_TRANSACTION_RETENTION_DAYS',
  maxBodyBytes: 'LIVENESS_MAX_BODY_BYTES',
  dynamoDbEndpoint: 'LIVENESS_DYNAMODB_ENDPOINT',
  s3Endpoint: 'LIVENESS_S3_ENDPOINT',
  s3PublicEndpoint: 'LIVENESS_S3_PUBLIC_ENDPOINT',
  maxFrames: 'LIVENESS_MAX_FRAMES',
  maxFramesBytes: 'LIVENESS_MAX_FRAMES_BYTES',
  maxFramePixels: 'LIVENESS_MAX_FRAME_PIXELS',
} as const;

/** The API's region codes and the AWS regions they run in (SPEC §3). */
export const REGION_CODES = {
  zaf: 'af-south-1',
  irl: 'eu-west-1',
  ind: 'ap-south-1',
  idn: 'ap-southeast-3',
  sgp: 'ap-southeast-1',
  usa: 'us-east-1',
} as const;

export type RegionCode = keyof typeof REGION_CODES;

export const DEFAULT_CROPS_BUCKET = 'liveness-crops';
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Frames of one capture the API reads at most (`image`, `image2` ... `image8`). */
export const MAX_FRAMES = 8;
export const DEFAULT_MAX_FRAME_PIXELS = 4096 * 4096;
/** Upper bounds of a capture session: a browser token is short-lived and good for few checks. */
export const MAX_SESSION_TTL_SECONDS = 3600;
/** Longest transactionId: the checkLiveness header, and the journey a capture session is bound to. */
export const MAX_TRANSACTION_ID_LENGTH = 128;
export const MAX_SESSION_CHECKS = 10;

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function frameCount(env: NodeJS.ProcessEnv): number {
  const value = positiveNumber(env, ENV.maxFrames, MAX_FRAMES);
  if (!Number.isInteger(value) || value > MAX_FRAMES) throw new Error(`${ENV.maxFrames} must be a whole number from 1 to ${MAX_FRAMES}, got "${env[ENV.maxFrames]}"`);
  return value;
}

const optional = (env: NodeJS.ProcessEnv, name: string) => (env[name] ? env[name] : undefined);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LivenessConfig {
  const awsRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const fromAws = Object.entries(REGION_CODES).find(([, region]) => region === env.AWS_REGION)?.[0];
  const s3Endpoint = optional(env, ENV.s3Endpoint);
  return {
    regionCode: env[ENV.regionCode] || fromAws || 'local',
    awsRegion,
    tables: {
      apps: env[ENV.appsTable] || TABLES.apps.defaultName,
      rateLimits: env[ENV.rateLimitsTable] || TABLES.rateLimits.defaultName,
      transactionLog: env[ENV.transactionsTable] || TABLES.transactionLog.defaultName,
      sessions: env[ENV.sessionsTable] || TABLES.sessions.defaultName,
    },
    cropsBucket: env[ENV.cropsBucket] || DEFAULT_CROPS_BUCKET,
    cropUrlTtlSeconds: positiveNumber(env, ENV.cropUrlTtlSeconds, 300),
    cropRetentionSeconds: positiveNumber(env, ENV.cropRetentionSeconds, 86_400),
    transactionRetentionDays: positiveNumber(env, ENV.transactionRetentionDays, 90),
    maxBodyBytes: positiveNumber(env, ENV.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    sessionTtlSeconds: Math.min(MAX_SESSION_TTL_SECONDS, positiveNumber(env, ENV.sessionTtlSeconds, 300)),
    sessionMaxChecks: Math.min(MAX_SESSION_CHECKS, Math.floor(positiveNumber(env, ENV.sessionMaxChecks, 1))),
    dynamoDbEndpoint: optional(env, ENV.dynamoDbEndpoint),
    s3Endpoint,
    s3PublicEndpoint: optional(env, ENV.s3PublicEndpoint) ?? s3Endpoint,
    frames: {
      maxFrames: frameCount(env),
      maxTotalBytes: positiveNumber(env, ENV.maxFramesBytes, DEFAULT_MAX_BODY_BYTES),
      maxFramePixels: positiveNumber(env, ENV.maxFramePixels, DEFAULT_MAX_FRAME_PIXELS),
    },
  };
}
