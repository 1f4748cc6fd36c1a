import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';
import { AppAdmin } from '../../functions/commons/appAdmin.js';
import { dynamoDbClient } from '../../functions/commons/clients.js';
import { loadConfig } from '../../functions/commons/config.js';
import type { PlanName } from '../../functions/commons/plans.js';
import { DynamoDbAppStore } from '../../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.js';
import { assertMatchesOpenApi, openApiCheck } from '../helpers/openApiResponses.js';

// Printed per test file; the run's total is the sum of these lines.
afterAll(() => {
  if (openApiCheck.validated > 0) console.log(`openapi: ${openApiCheck.validated} responses validated against openapi.json`);
});

/**
 * The real local stack (DynamoDB Local + s3rver + gateway) on free ports, in memory, for one test
 * file (vitest runs each file in its own process, and the handlers read this process's environment).
 */
export async function startApiStack(env: Record<string, string> = {}) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stack = await startLocalStack({ port: 0, env });
  const config = loadConfig();
  const db = dynamoDbClient(config);
  const admin = new AppAdmin(new DynamoDbAppStore(db, config.tables.apps));
  let n = 0;
  /** A fresh app on a plan, with its clear key. */
  const createApp = async (plan: PlanName = 'standard') => {
    const appId = `app-${process.pid}-${++n}`;
    const { key } = await admin.create(appId, { plan });
    return { appId, appKey: key, headers: { appId, appKey: key } as Record<string, string> };
  };
  return { stack, config, db, admin, createApp, stop: () => stack.stop() } satisfies Record<string, unknown> & { stack: LocalStack };
}

export type ApiStack = Awaited<ReturnType<typeof startApiStack>>;

const demoDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

/** Real photos shipped with @vladmandic/face-api (several people each). */
export const samplePhoto = (n: 1 | 2 | 3 | 4 | 5 | 6) => readFileSync(join(demoDir, `sample${n}.jpg`));

/** A 640x480 selfie-like JPEG: the largest face of a real photo with its surroundings, resized. */
export async function selfie640(n: 1 | 2 | 3 | 4 | 5 | 6 = 1): Promise<Buffer> {
  const photo = samplePhoto(n);
  const meta = await sharp(photo).metadata();
  // sample1's most prominent face sits right of centre; a 4:3 window around it.
  const width = Math.min(meta.width!, 800);
  const height = Math.round((width * 3) / 4);
  const left = Math.max(0, Math.min(meta.width! - width, 1580 - width / 2));
  const top = Math.max(0, Math.min(meta.height! - height, 330 - height / 2));
  return sharp(photo).extract({ left: Math.round(left), top, width, height }).resize(640, 480).jpeg({ quality: 90 }).toBuffer();
}

export interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** One HTTP call; its response is validated against openapi.json (a mismatch fails the test). */
export async function send(url: string, init: RequestInit): Promise<Sent> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  await assertMatchesOpenApi(init.method ?? 'GET', url, res.status, body);
  return { status: res.status, headers: res.headers, body };
}

export function multipart(image: Buffer | undefined, fields: Record<string, string> = {}, filename = 'selfie.jpg'): FormData {
  const form = new FormData();
  if (image) form.append('image', new Blob([image], { type: 'image/jpeg' }), filename);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

let tx = 0;
export const nextTransactionId = (prefix = 'tx') => `${prefix}-${process.pid}-${Date.now()}-${++tx}`;

/** POST /v1/checkLiveness as multipart. */
export function checkMultipart(stack: ApiStack, headers: Record<string, string>, image: Buffer | undefined, fields: Record<string, string> = {}) {
  return send(`${stack.stack.url}/v1/checkLiveness`, {
    method: 'POST',
    headers: { transactionId: nextTransactionId(), ...headers },
    body: multipart(image, fields),
  });
}

/** POST /v1/checkLiveness as JSON. */
export function checkJson(stack: ApiStack, headers: Record<string, string>, body: unknown) {
  return send(`${stack.stack.url}/v1/checkLiveness`, {
    method: 'POST',
    headers: { transactionId: nextTransactionId(), 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
