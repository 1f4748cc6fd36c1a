import cluster, { type Worker } from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import S3rver from 's3rver';
import { AppAdmin } from '../../functions/commons/appAdmin.js';
import { dynamoDbClient } from '../../functions/commons/clients.js';
import { DEFAULT_CROPS_BUCKET, DEFAULT_MAX_BODY_BYTES, ENV, loadConfig } from '../../functions/commons/config.js';
import type { PlanName } from '../../functions/commons/plans.js';
import { DynamoDbAppStore } from '../../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { TABLES, type TableName } from '../../functions/commons/tables.js';
import { createTables, startDynamoDbLocal } from './dynamoDbLocal.js';
import { demoSite } from './demoSite.js';
import { createGateway, type GatewayRoute, type ProxyHandler } from './gateway.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker.js';

export interface LocalStackOptions {
  /** Gateway port; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Where DynamoDB Local and the S3 server keep data; undefined = in memory / a temp dir removed on stop. */
  readonly dataDir?: string;
  readonly devApp?: { readonly appId: string; readonly key?: string; readonly plan?: PlanName };
  /** Extra LIVENESS_* settings (e.g. a short crop URL TTL in tests). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Gateway processes (node:cluster workers sharing the port; DynamoDB Local and the S3 server stay
   * in this process). 0 (default) serves from this process, as tests that change its state need.
   */
  readonly workers?: number;
  /** On stop, how long requests in progress may take to reach a function before they are answered 503; default 5 s. */
  readonly stopGraceMs?: number;
  /** Serve the capture component and its demo at /demo/ (sessions made with the dev app). */
  readonly demo?: boolean;
}

export interface LocalStack {
  readonly url: string;
  readonly dynamoDbEndpoint: string;
  readonly s3Endpoint: string;
  readonly devApp?: { readonly appId: string; readonly appKey: string; readonly rotated: boolean };
  /** Stop one backing service alone (fault tests: a real outage, not a mock). */
  stopDynamoDb(): Promise<void>;
  stopS3(): Promise<void>;
  /** The time each invocation gets (context.getRemainingTimeInMillis), like a Lambda timeout; default 29 s. */
  setFunctionTimeout(ms: number): void;
  /** Gateway worker processes (0: this process serves). */
  readonly workers: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

const handlerOf = (load: () => Promise<{ handler: unknown }>) => async () => (await load()).handler as ProxyHandler;

/** The routes of the API, served by the same handler modules Lambda runs. */
export const ROUTES: readonly GatewayRoute[] = [
  { method: 'POST', resource: '/v1/checkLiveness', functionName: 'checkLiveness', handler: handlerOf(() => import('../../functions/handlers/checkLiveness.js')) },
  // CORS preflight of capture pages, answered by the same handler's CORS middleware.
  { method: 'OPTIONS', resource: '/v1/checkLiveness', functionName: 'checkLiveness', handler: handlerOf(() => import('../../functions/handlers/checkLiveness.js')) },
  { method: 'POST', resource: '/v1/sessions', functionName: 'sessions', handler: handlerOf(() => import('../../functions/handlers/sessions.js')) },
  { method: 'GET', resource: '/v1/croppedFace/{requestId}', functionName: 'croppedFace', handler: handlerOf(() => import('../../functions/handlers/croppedFace.js')) },
  { method: 'GET', resource: '/v1/transactions/{transactionId}', functionName: 'transactions', handler: handlerOf(() => import('../../functions/handlers/transactions.js')) },
  { method: 'GET', resource: '/v1/health', functionName: 'health', handler: handlerOf(() => import('../../functions/handlers/health.js')) },
  { method: 'GET', resource: '/v1/openapi.json', functionName: 'openapi', handler: handlerOf(() => import('../../functions/handlers/openapi.js')) },
  { method: 'POST', resource: '/liveness', functionName: 'youLive', handler: handlerOf(() => import('../../functions/handlers/vendors/youLive.js')) },
  { method: 'POST', resource: '/v1/authorize', functionName: 'deepvueAuthorize', handler: handlerOf(() => import('../../functions/handlers/vendors/deepvueAuthorize.js')) },
  { method: 'POST', resource: '/v1/liveness-check', functionName: 'deepvue', handler: handlerOf(() => import('../../functions/handlers/vendors/deepvue.js')) },
  { method: 'POST', resource: '/api/v1/ml/liveness/', functionName: 'appIdLiveness', handler: handlerOf(() => import('../../functions/handlers/vendors/appIdLiveness.js')) },
  { method: 'POST', resource: '/v1/liveness/selfie', functionName: 'selfieLiveness', handler: handlerOf(() => import('../../functions/handlers/vendors/selfieLiveness.js')) },
];

/**
 * DynamoDB Local + an S3-compatible server (s3rver) + tables and bucket + a dev app + the gateway.
 * Sets this process's LIVENESS_* environment (the handlers read it on first use): one stack per process.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
    const dynamo = await startDynamoDbLocal(await freePort(), dataDir && join(dataDir, 'dynamodb'));
    stops.push(() => dynamo.stop());

    const s3Dir = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'liveness-s3-'));
    if (!dataDir) stops.push(async () => rmSync(s3Dir, { recursive: true, force: true }));
    const bucket = options.env?.[ENV.cropsBucket] ?? process.env[ENV.cropsBucket] ?? DEFAULT_CROPS_BUCKET;
    const s3 = new S3rver({ port: await freePort(), address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: bucket }] });
    const s3Address = await s3.run();
    let s3Closed = false;
    const closeS3 = async () => {
      if (!s3Closed) await s3.close();
      s3Closed = true;
    };
    stops.push(closeS3);
    const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;

    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      [ENV.regionCode]: process.env[ENV.regionCode] ?? 'local',
      [ENV.dynamoDbEndpoint]: dynamo.endpoint,
      [ENV.s3Endpoint]: s3Endpoint,
      [ENV.cropsBucket]: bucket,
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      ...options.env,
    });
    const config = loadConfig();

    const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region: config.awsRegion, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createTables(
      admin,
      (Object.keys(TABLES) as TableName[]).map((name) => ({ name: config.tables[name], table: TABLES[name] })),
    );
    admin.destroy();

    let devApp: LocalStack['devApp'];
    if (options.devApp) {
      const apps = new AppAdmin(new DynamoDbAppStore(dynamoDbClient(config), config.tables.apps));
      const { appId, key, plan } = options.devApp;
      const existing = (await apps.list()).find((a) => a.appId === appId);
      if (!existing) {
        const created = await apps.create(appId, { plan, ...(key ? { key } : {}), description: 'local dev app' });
        devApp = { appId, appKey: created.key, rotated: false };
      } else {
        // Only the hash is stored, so a forgotten random key cannot be shown again: issue a new one.
        const rotated = await apps.rotate(appId, key);
        if (plan && existing.plan !== plan) await apps.setPlan(appId, plan);
        devApp = { appId, appKey: rotated.key, rotated: !key };
      }
    }

    const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const graceMs = options.stopGraceMs ?? 5_000;
    const workers = options.workers ?? 0;
    let port: number;
    let setFunctionTimeout: (ms: number) => void;
    const demoAppId = options.demo && devApp ? devApp.appId : undefined;
    if (workers > 0) {
      const started = await startWorkers(workers, { port: options.port ?? 3000, host, maxBodyBytes, ...(demoAppId ? { demoAppId } : {}) });
      stops.push(() => started.stop(graceMs));
      port = started.port;
      setFunctionTimeout = (ms) => started.send({ type: 'timeout', ms });
    } else {
      const demo = demoAppId ? demoSite({ config, devApp: { appId: demoAppId } }) : undefined;
      const server = createGateway({ routes: ROUTES, maxBodyBytes, ...(demo ? { fallback: demo } : {}) });
      await new Promise<void>((done, fail) => {
        server.once('error', fail);
        server.listen(options.port ?? 3000, host, () => done());
      });
      // Stop accepting, let requests in progress finish (they still need DynamoDB and S3), then close.
      stops.push(() => server.shutdown(graceMs));
      port = (server.address() as AddressInfo).port;
      setFunctionTimeout = (ms) => server.setTimeoutMs(ms);
    }
    return {
      url: `http://${host}:${port}`,
      dynamoDbEndpoint: dynamo.endpoint,
      s3Endpoint,
      ...(devApp ? { devApp } : {}),
      stopDynamoDb: () => dynamo.stop(),
      stopS3: closeS3,
      setFunctionTimeout,
      workers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}


/** Forks `count` gateway workers on one port and waits until each listens. */
async function startWorkers(count: number, gateway: WorkerOptions) {
  const tsx = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : ['--import', 'tsx'];
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker.ts', import.meta.url)), execArgv: tsx });
  const env = { LIVENESS_LOCAL_GATEWAY: JSON.stringify(gateway) };
  const forked: Worker[] = [];
  const stop = async (graceMs: number) => {
    await Promise.all(
      forked.map(
        (worker) =>
          new Promise<void>((done) => {
            if (worker.isDead()) return done();
            // Functions in progress finish within their timeout (29 s by default) after the grace.
            const force = setTimeout(() => worker.process.kill('SIGKILL'), graceMs + 40_000);
            worker.once('exit', () => {
              clearTimeout(force);
              done();
            });
            worker.send({ type: 'stop', graceMs } satisfies ToWorker);
          }),
      ),
    );
  };
  try {
    const ports = await Promise.all(
      Array.from({ length: count }, () => {
        const worker = cluster.fork(env);
        forked.push(worker);
        return new Promise<number>((done, fail) => {
          let why = '';
          worker.on('message', (message: FromWorker) => message.type === 'listenFailed' && (why = `: ${message.message}`));
          worker.once('listening', (address) => done(address.port));
          worker.once('exit', (code) => fail(new Error(`gateway worker exited (${code}) before listening${why}`)));
        });
      }),
    );
    return { port: ports[0]!, stop, send: (message: ToWorker) => forked.forEach((w) => !w.isDead() && w.send(message)) };
  } catch (error) {
    await stop(0);
    throw error;
  }
}
