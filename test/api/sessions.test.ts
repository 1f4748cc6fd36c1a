import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANS } from '../../functions/commons/plans.js';
import { type ApiStack, multipart, nextTransactionId, selfie640, send, startApiStack } from './apiStack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('capture sessions over real HTTP: POST /v1/sessions, Bearer tokens on checkLiveness, CORS', () => {
  let api: ApiStack;
  let selfie: Buffer;
  const logged: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  beforeAll(async () => {
    // Logs on, so the test can see that no token is ever written (the handlers run in this process).
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logged.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    api = await startApiStack();
    selfie = await selfie640(1);
  });
  afterAll(async () => {
    process.stdout.write = write;
    await api?.stop();
  });

  // An object body gets a fresh transactionId unless it names one (or null: leave it out); a string is sent as is.
  const createSession = (headers: Record<string, string>, body: unknown = {}) =>
    send(`${api.stack.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify({ transactionId: nextTransactionId('journey'), ...(body as object) }),
    });
  // No transactionId header: the session's journey is used.
  const checkWithToken = (token: string, image: Buffer | null = selfie, extra: Record<string, string> = {}, fields: Record<string, string> = {}) =>
    send(`${api.stack.url}/v1/checkLiveness`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...extra },
      body: multipart(image ?? undefined, fields),
    });
  const tokenOf = async (headers: Record<string, string>, body?: unknown): Promise<string> => {
    const created = await createSession(headers, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.result.sessionToken as string;
  };

  it('issues a short-lived token for an app key (default 5 minutes, 1 check), stored only as its hash', async () => {
    const app = await api.createApp('standard');
    const before = Date.now();
    const created = await createSession(app.headers);
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { sessionToken, expiresAt, maxChecks, appId, expiresInSeconds } = created.body.result;
    expect(sessionToken).toMatch(/^lst_[A-Za-z0-9_-]{43}$/);
    expect({ maxChecks, appId, expiresInSeconds }).toEqual({ maxChecks: 1, appId: app.appId, expiresInSeconds: 300 });
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(295_000);
    expect(Date.parse(expiresAt) - before).toBeLessThan(305_000);
    const { Items } = await api.db.send(new ScanCommand({ TableName: api.config.tables.sessions }));
    const stored = Items!.find((i) => i.appId === app.appId)!;
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(Items)).not.toContain(sessionToken);
    expect(JSON.stringify(Items)).not.toContain(sessionToken.slice(4));
  });

  it('checks liveness once with the token, under that app and in its transaction log; a second use gets 403', async () => {
    const app = await api.createApp('standard');
    const transactionId = nextTransactionId('session-log');
    const token = await tokenOf(app.headers, { transactionId });
    const first = await checkWithToken(token, selfie, { transactionId });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.result.details.liveFace.score).toBeGreaterThanOrEqual(0);
    const log = await api.db.send(
      new QueryCommand({
        TableName: api.config.tables.transactionLog,
        KeyConditionExpression: 'transactionKey = :k',
        ExpressionAttributeValues: { ':k': `${app.appId}#${transactionId}` },
      }),
    );
    expect(log.Items).toHaveLength(1);
    expect(log.Items![0]!.appId).toBe(app.appId);
    const again = await checkWithToken(token);
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ status: 'failure', statusCode: 403, result: { error: 'Unauthorized Access to API', reason: 'SESSION_USED' } });
  });

  it('of 8 concurrent uses of a 1-check token exactly 1 gets through, and of a 3-check token exactly 3', async () => {
    const app = await api.createApp('enterprise');
    for (const checks of [1, 3]) {
      const token = await tokenOf(app.headers, { maxChecks: checks });
      // No image: an admitted request is refused as a parse error (400), a refused use as 403, without inference.
      const results = await Promise.all(Array.from({ length: 8 }, () => checkWithToken(token, null)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 400), `${checks} checks: ${statuses}`).toHaveLength(checks);
      expect(statuses.filter((s) => s === 403)).toHaveLength(8 - checks);
      for (const r of results.filter((x) => x.status === 403)) expect(r.body.result.reason).toBe('SESSION_USED');
    }
  });

  it('refuses expired (401), unknown or malformed (401) and foreign (403) tokens in the failure envelope', async () => {
    const [a, b] = [await api.createApp('standard'), await api.createApp('standard')];
    const shortLived = await tokenOf(a.headers, { ttlSeconds: 1 });
    await sleep(2100);
    const expired = await checkWithToken(shortLived);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 'failure', statusCode: 401, result: { error: 'Missing/Invalid credentials', reason: 'SESSION_EXPIRED' } });
    const unknown = await checkWithToken(`lst_${'A'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.result.reason).toBe('INVALID_SESSION');
    for (const malformed of ['not-a-token', `lst_${'x'.repeat(500)}`, '']) {
      const r = await checkWithToken(malformed);
      expect(r.status, malformed).toBe(401);
    }
    const foreign = await checkWithToken(await tokenOf(a.headers), selfie, { appId: b.appId });
    expect(foreign.status).toBe(403);
    expect(foreign.body.result.reason).toBe('SESSION_FOREIGN');
  });

  it('accepts tokens on checkLiveness only: other routes still want the app key', async () => {
    const app = await api.createApp('standard');
    const token = await tokenOf(app.headers);
    const r = await send(`${api.stack.url}/v1/transactions/some-tx`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    // A session cannot mint sessions either.
    const minted = await createSession({ authorization: `Bearer ${token}` });
    expect(minted.status).toBe(401);
  });

  it('keeps the plan limits: a sandbox session gets 429 past the per-minute rate', async () => {
    const app = await api.createApp('sandbox');
    const limit = PLANS.sandbox.requestsPerMinute;
    const token = await tokenOf(app.headers, { maxChecks: limit + 1 });
    const intoMinute = new Date().getUTCSeconds();
    if (intoMinute > 45) await sleep((61 - intoMinute) * 1000);
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) statuses.push((await checkWithToken(token, null)).status);
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(400));
    expect(statuses[limit]).toBe(429);
  });

  it('refuses bad session requests with 400 and missing keys with 401', async () => {
    const app = await api.createApp('standard');
    for (const body of ['{', '[]', '', { maxChecks: 11 }, { ttlSeconds: 0 }, { ttlSeconds: 3601 }, { maxChecks: 1.5 }, { scope: 'all' }]) {
      const r = await createSession(app.headers, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.result.reason).toBe('INVALID_SESSION_REQUEST');
    }
    expect((await createSession({})).status).toBe(401);
    expect((await createSession({ appId: app.appId, appKey: `${app.appId}.wrong-key-000000000000` })).status).toBe(401);
  });

  it('answers the browser preflight, and serves a page origin only when the app allows it', async () => {
    const app = await api.createApp('standard');
    const origin = 'https://shop.example';
    const preflight = await fetch(`${api.stack.url}/v1/checkLiveness`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,transactionid' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const refused = await checkWithToken(await tokenOf(app.headers), selfie, { origin });
    expect(refused.status).toBe(403);
    expect(refused.body.result.reason).toBe('ORIGIN_NOT_ALLOWED');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    await api.admin.setOrigins(app.appId, [origin, 'http://localhost:8080']);
    const allowed = await checkWithToken(await tokenOf(app.headers), selfie, { origin });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('vary')).toContain('Origin');
    // Before the app is known the page may still read why (expired, unknown), and nothing else.
    const unknown = await checkWithToken(`lst_${'B'.repeat(43)}`, null, { origin: 'https://other.example' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('https://other.example');
    const otherOrigin = await checkWithToken(await tokenOf(app.headers), selfie, { origin: 'https://other.example' });
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never writes a token to the logs', () => {
    const text = logged.join('');
    expect(text).toContain('session issued');
    expect(text).not.toMatch(/lst_[A-Za-z0-9_-]{43}/);
  });
});
