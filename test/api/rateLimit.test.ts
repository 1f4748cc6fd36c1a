import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANS } from '../../functions/commons/plans.js';
import { type ApiStack, checkMultipart, selfie640, startApiStack } from './apiStack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limit in DynamoDB, exact under concurrency, over real HTTP', () => {
  let api: ApiStack;
  beforeAll(async () => {
    api = await startApiStack();
  });
  afterAll(async () => api?.stop());

  it('with a plan of L per minute, N > L concurrent requests give exactly L successes and N-L 429 with Retry-After', async () => {
    const limit = PLANS.sandbox.requestsPerMinute;
    const n = limit * 2 + 2;
    const app = await api.createApp('sandbox');
    const selfie = await selfie640(1);
    // Counters are per calendar minute: start the burst well inside one, so the count is not split.
    const intoMinute = new Date().getUTCSeconds();
    if (intoMinute > 45) await sleep((61 - intoMinute) * 1000);
    const results = await Promise.all(Array.from({ length: n }, () => checkMultipart(api, app.headers, selfie)));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(limit);
    expect(limited).toHaveLength(n - limit);
    for (const r of limited) {
      expect(r.body.result.error).toBe('Rate limit error');
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
  });

  it('limits each app on its own counter', async () => {
    const [a, b] = [await api.createApp('sandbox'), await api.createApp('sandbox')];
    const intoMinute = new Date().getUTCSeconds();
    if (intoMinute > 50) await sleep((61 - intoMinute) * 1000);
    const burst = (headers: Record<string, string>) =>
      Promise.all(Array.from({ length: PLANS.sandbox.requestsPerMinute }, () => checkMultipart(api, headers, Buffer.from('not an image'))));
    const [ra, rb] = await Promise.all([burst(a.headers), burst(b.headers)]);
    // Every request was admitted (and then refused as an unsupported file): no 429 for either app.
    for (const r of [...ra, ...rb]) expect(r.status).toBe(400);
  });
});
