import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../../functions/commons/config.js';
import type { TableName } from '../../functions/commons/tables.js';
import type { RegionConfig } from '../config.js';
import { type LivenessLayers, lambdaArchitecture } from './LivenessLayers.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Every function of the API, and the handler file it is bundled from. */
export const FUNCTION_ENTRIES = {
  checkLiveness: 'functions/handlers/checkLiveness.ts',
  croppedFace: 'functions/handlers/croppedFace.ts',
  transactions: 'functions/handlers/transactions.ts',
  sessions: 'functions/handlers/sessions.ts',
  health: 'functions/handlers/health.ts',
  openapi: 'functions/handlers/openapi.ts',
  youLive: 'functions/handlers/vendors/youLive.ts',
  deepvue: 'functions/handlers/vendors/deepvue.ts',
  deepvueAuthorize: 'functions/handlers/vendors/deepvueAuthorize.ts',
  appIdLiveness: 'functions/handlers/vendors/appIdLiveness.ts',
  selfieLiveness: 'functions/handlers/vendors/selfieLiveness.ts',
  usagePlanKey: 'infra/authorizer/usagePlanKey.ts',
} as const;
export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Modules that come from the native layer (/opt/nodejs/node_modules), never from the bundle. */
export const LAYER_MODULES = ['onnxruntime-node', 'sharp'] as const;

type DynamoAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Query';
type S3Action = 's3:GetObject' | 's3:PutObject';

/**
 * Least privilege, one entry per function: exactly the calls its middlewares and stores make
 * (functions/commons/stores/dynamodb, functions/commons/stores/s3). Widen here when the code needs more.
 */
interface Access {
  readonly tables: Partial<Record<TableName, readonly DynamoAction[]>>;
  readonly crops: readonly S3Action[];
  /** Needs the models and native layers (imports onnxruntime-node or sharp). */
  readonly layers: boolean;
  readonly size: 'liveness' | 'light';
}
// authenticate (GetItem), rate limit (GetItem + conditional UpdateItem), log the outcome (PutItem),
// store the crop (PutObject) and sign its URL (a signed GET is only as good as the signer's s3:GetObject).
const LIVENESS_ROUTE: Access = {
  tables: { apps: ['dynamodb:GetItem'], rateLimits: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], transactionLog: ['dynamodb:PutItem'] },
  crops: ['s3:PutObject', 's3:GetObject'],
  layers: true,
  size: 'liveness',
};

export const ACCESS: Readonly<Record<FunctionName, Access>> = {
  // Same grants on every liveness route; checkLiveness also takes a session token's use (one conditional UpdateItem).
  checkLiveness: { ...LIVENESS_ROUTE, tables: { ...LIVENESS_ROUTE.tables, sessions: ['dynamodb:UpdateItem'] } },
  // The vendor adapters run the same chain around the same domain call (functions/commons/livenessRoute.ts).
  youLive: LIVENESS_ROUTE,
  deepvue: LIVENESS_ROUTE,
  appIdLiveness: LIVENESS_ROUTE,
  selfieLiveness: LIVENESS_ROUTE,
  // authenticate, HeadObject (authorised by s3:GetObject) and a freshly signed GET.
  croppedFace: { tables: { apps: ['dynamodb:GetItem'] }, crops: ['s3:GetObject'], layers: false, size: 'light' },
  // authenticate, Query the log by "<appId>#<transactionId>" on the table's own key (no index).
  transactions: {
    tables: { apps: ['dynamodb:GetItem'], transactionLog: ['dynamodb:Query'] },
    crops: [],
    layers: false,
    size: 'light',
  },
  // authenticate (client_id/client_secret from the form), the plan's rate limit, then sign a token: nothing stored.
  deepvueAuthorize: {
    tables: { apps: ['dynamodb:GetItem'], rateLimits: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    crops: [],
    layers: false,
    size: 'light',
  },
  // authenticate, then store the hashed session token (conditional PutItem).
  sessions: { tables: { apps: ['dynamodb:GetItem'], sessions: ['dynamodb:PutItem'] }, crops: [], layers: false, size: 'light' },
  // Reports the model ids and versions; its bundle imports the model registry (onnxruntime-node).
  health: { tables: {}, crops: [], layers: true, size: 'light' },
  // Serves the OpenAPI document built from the schemas; touches nothing.
  openapi: { tables: {}, crops: [], layers: false, size: 'light' },
  // Hashes the presented key; for a session token, reads the session's usage key (GetItem).
  usagePlanKey: { tables: { sessions: ['dynamodb:GetItem'] }, crops: [], layers: false, size: 'light' },
};

export interface LivenessFunctionsProps {
  readonly region: RegionConfig;
  readonly layers: LivenessLayers;
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly crops: Bucket;
}

/** Fails fast instead of letting NodejsFunction fall back to Docker when esbuild is not installed. */
function assertLocalEsbuild(): void {
  try {
    createRequire(join(REPO_ROOT, 'package.json')).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed locally (npm ci): bundling must never fall back to Docker');
  }
}

/** The Lambda functions of one region, bundled by the local esbuild, each granted only what it uses. */
export class LivenessFunctions extends Construct {
  readonly functions: Readonly<Record<FunctionName, NodejsFunction>>;

  constructor(scope: Construct, id: string, props: LivenessFunctionsProps) {
    super(scope, id);
    assertLocalEsbuild();
    const { region, tables, crops } = props;
    const environment: Record<string, string> = {
      [ENV.regionCode]: region.code,
      [ENV.appsTable]: tables.apps.tableName,
      [ENV.rateLimitsTable]: tables.rateLimits.tableName,
      [ENV.transactionsTable]: tables.transactionLog.tableName,
      [ENV.sessionsTable]: tables.sessions.tableName,
      [ENV.sessionTtlSeconds]: String(region.sessionTtlSeconds),
      [ENV.sessionMaxChecks]: String(region.sessionMaxChecks),
      [ENV.cropsBucket]: crops.bucketName,
      [ENV.cropUrlTtlSeconds]: String(region.cropUrlTtlSeconds),
      [ENV.cropRetentionSeconds]: String(region.cropExpiryDays * 86_400),
      [ENV.transactionRetentionDays]: String(region.transactionRetentionDays),
      [ENV.maxBodyBytes]: String(region.maxBodyBytes),
      LIVENESS_MODEL_DIR: '/opt/models',
      // glibc gives each thread (libvips, libuv, ORT) its own malloc arena; the freed pixel buffers of
      // large images fragment them and RSS only grows. Two arenas keep a warm process under 300 MiB,
      // and a fixed mmap threshold hands every buffer over 128 KiB back to the kernel when it is freed
      // (glibc otherwise raises the threshold as buffers are freed, and keeps them): ~200 MiB peak.
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      POWERTOOLS_SERVICE_NAME: 'open-liveness',
      POWERTOOLS_METRICS_NAMESPACE: 'OpenLiveness',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };

    const make = (name: FunctionName): NodejsFunction => {
      const access = ACCESS[name];
      const size = region[access.size];
      const layers: ILayerVersion[] = access.layers ? [props.layers.models, props.layers.native] : [];
      const logGroup = new LogGroup(this, `${name}Logs`, {
        retention: region.logRetentionDays as RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // Its own role, writing only to its own log group (instead of AWSLambdaBasicExecutionRole's logs:* on *).
      const role = new Role(this, `${name}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        inlinePolicies: {
          logs: new PolicyDocument({
            statements: [
              new PolicyStatement({
                actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                resources: [logGroup.logGroupArn],
              }),
            ],
          }),
        },
      });
      const fn = new NodejsFunction(this, name, {
        entry: join(REPO_ROOT, FUNCTION_ENTRIES[name]),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: lambdaArchitecture(region.architecture),
        memorySize: size.memoryMb,
        timeout: Duration.seconds(size.timeoutSeconds),
        layers,
        environment,
        tracing: Tracing.DISABLED,
        logGroup,
        role,
        bundling: {
          // CommonJS: `require` honours NODE_PATH, which is how Lambda exposes /opt/nodejs/node_modules.
          format: OutputFormat.CJS,
          target: 'node22',
          minify: true,
          sourceMap: false,
          externalModules: [...LAYER_MODULES],
          forceDockerBundling: false,
          logLevel: LogLevel.ERROR,
        },
      });
      for (const [table, actions] of Object.entries(access.tables) as [TableName, DynamoAction[]][]) {
        fn.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: [tables[table].tableArn] }));
      }
      if (access.crops.length > 0) {
        fn.addToRolePolicy(new PolicyStatement({ actions: [...access.crops], resources: [crops.arnForObjects('*')] }));
      }
      return fn;
    };

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).map((name) => [name, make(name)]),
    ) as Record<FunctionName, NodejsFunction>;
  }
}
