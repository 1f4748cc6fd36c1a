import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppAdmin } from '../../functions/commons/appAdmin.js';
import { dynamoDbClient } from '../../functions/commons/clients.js';
import { loadConfig } from '../../functions/commons/config.js';
import { PLANS, type PlanName } from '../../functions/commons/plans.js';
import { DynamoDbAppStore } from '../../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { windowsOf } from '../../functions/commons/stores/rateLimiter.js';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.js';
import { multipart, selfie640, send } from './apiStack.js';

const CONCURRENCY = 16;

describe('load without loss: concurrent mixed traffic on the multi-process gateway', () => {
  let stack: LocalStack;
  let config: ReturnType<typeof loadConfig>;
  let admin: AppAdmin;
  let db: ReturnType<typeof dynamoDbClient>;
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // Two gateway workers (node:cluster), DynamoDB Local and the S3 server in this process: as `npm start`.
    stack = await startLocalStack({ port: 0, workers: 2 });
    config = loadConfig();
    db = dynamoDbClient(config);
    admin = new AppAdmin(new DynamoDbAppStore(db, config.tables.apps));
  });
  afterAll(async () => stack?.stop());

  it('answers every request, writes one transaction record per answer, and admits exactly the plan\'s per-minute count', { timeout: 300_000 }, async () => {
    expect(stack.workers).toBe(2);
    const create = async (plan: PlanName) => {
      const appId = `load-${plan}-${Date.now()}`;
      return { appId, headers: { appId, appKey: (await admin.create(appId, { plan })).key } };
    };
    const enterprise = await create('enterprise');
    const sandbox = await create('sandbox');
    const standard = await create('standard');
    const selfie = await selfie640(1);

    type Shot = { app: { appId: string; headers: Record<string, string> }; kind: 'valid' | 'invalid'; body: () => FormData | string; type?: string };
    const valid = (app: Shot['app']): Shot => ({ app, kind: 'valid', body: () => multipart(selfie) });
    const invalids: Omit<Shot, 'app'>[] = [
      { kind: 'invalid', body: () => multipart(selfie.subarray(0, 3000)) },
      { kind: 'invalid', body: () => '{broken', type: 'application/json' },
      { kind: 'invalid', body: () => '--BRK\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nAAAA', type: 'multipart/form-data; boundary=BRK' },
      { kind: 'invalid', body: () => multipart(selfie, { threshold: '7' }) },
    ];
    const shots: Shot[] = [
      ...Array.from({ length: 40 }, () => valid(enterprise)),
      ...Array.from({ length: 40 }, (_, i) => ({ ...invalids[i % invalids.length]!, app: enterprise })),
      // Over the plan's limits: sandbox 5/min, standard 60/min.
      ...Array.from({ length: 25 }, (_, i) => (i % 2 ? valid(sandbox) : { ...invalids[i % invalids.length]!, app: sandbox })),
      ...Array.from({ length: 90 }, (_, i) => (i % 3 ? { ...invalids[i % invalids.length]!, app: standard } : valid(standard))),
    ];
    for (let i = shots.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [shots[i], shots[j]] = [shots[j]!, shots[i]!];
    }

    // Exact per-minute counts need one window: start early in a minute.
    const seconds = new Date().getUTCSeconds();
    if (seconds > 15) await new Promise((r) => setTimeout(r, (61 - seconds) * 1000));
    const window = windowsOf(new Date());

    const answers: { shot: Shot; status: number; requestId?: string; transactionId: string }[] = [];
    let next = 0;
    let n = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < shots.length) {
          const shot = shots[next++]!;
          const transactionId = `load-${++n}`;
          const res = await send(`${stack.url}/v1/checkLiveness`, {
            method: 'POST',
            headers: { ...shot.app.headers, transactionId, ...(shot.type ? { 'content-type': shot.type } : {}) },
            body: shot.body(),
            signal: AbortSignal.timeout(60_000),
          });
          answers.push({ shot, status: res.status, requestId: res.body?.metadata?.requestId, transactionId });
        }
      }),
    );
    expect(windowsOf(new Date()).minute).toBe(window.minute);
    expect(answers).toHaveLength(shots.length);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);

    // Valid enterprise selfies pass; every invalid one gets a 4xx other than 429.
    const of = (app: Shot['app']) => answers.filter((a) => a.shot.app === app);
    expect(of(enterprise).filter((a) => a.shot.kind === 'valid').map((a) => a.status)).toEqual(Array(40).fill(200));
    expect(of(enterprise).filter((a) => a.shot.kind === 'invalid' && (a.status < 400 || a.status === 429))).toEqual([]);

    // The limiter admits exactly requestsPerMinute (valid or not: the slot is spent before parsing).
    for (const [app, plan] of [[sandbox, PLANS.sandbox], [standard, PLANS.standard]] as const) {
      const limited = of(app).filter((a) => a.status === 429).length;
      expect(of(app).length - limited).toBe(plan.requestsPerMinute);
      const counter = await db.send(new GetCommand({ TableName: config.tables.rateLimits, Key: { counterId: `${app.appId}#minute#${window.minute}` } }));
      expect(counter.Item?.count).toBe(plan.requestsPerMinute);
      const month = await db.send(new GetCommand({ TableName: config.tables.rateLimits, Key: { counterId: `${app.appId}#month#${window.month}` } }));
      expect(month.Item?.count).toBe(plan.requestsPerMinute);
    }

    // One transaction record per answered request, none lost, none doubled.
    const records = new Map<string, number>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: config.tables.transactionLog, ProjectionExpression: 'requestId, statusCode', ExclusiveStartKey }));
      for (const item of page.Items ?? []) records.set(item.requestId as string, (records.get(item.requestId as string) ?? 0) + 1);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const lost = answers.filter((a) => !a.requestId || records.get(a.requestId) !== 1);
    console.log(`load: ${answers.length} requests, ${CONCURRENCY} at a time, 2 gateway workers; records ${records.size}; lost or doubled ${lost.length}`);
    expect(lost).toEqual([]);
  });
});
