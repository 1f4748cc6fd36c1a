import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '../../functions/commons/stores/dynamodb/DynamoDbRateLimiter.js';
import { windowsOf } from '../../functions/commons/stores/rateLimiter.js';
import { type ApiStack, startApiStack } from '../api/apiStack.js';

describe('DynamoDbRateLimiter on DynamoDB Local', () => {
  let api: ApiStack;
  let limiter: DynamoDbRateLimiter;
  beforeAll(async () => {
    api = await startApiStack();
    limiter = new DynamoDbRateLimiter(api.db, api.config.tables.rateLimits);
  });
  afterAll(async () => api?.stop());

  it('admits exactly the per-minute limit out of many concurrent requests', async () => {
    const now = new Date('2030-01-15T10:20:30Z');
    const admissions = await Promise.all(
      Array.from({ length: 60 }, () => limiter.admit('burst-app', { requestsPerMinute: 17, monthlyQuota: 1000 }, now)),
    );
    expect(admissions.filter((a) => a.admitted)).toHaveLength(17);
    for (const a of admissions.filter((x) => !x.admitted)) {
      expect(a).toEqual({ admitted: false, reason: 'rateLimit', retryAfterSeconds: 30 });
    }
  });

  it('opens a new window the next minute', async () => {
    const limits = { requestsPerMinute: 2, monthlyQuota: 1000 };
    const t0 = new Date('2030-02-01T00:00:59Z');
    const t1 = new Date('2030-02-01T00:01:00Z');
    const first = await Promise.all([1, 2, 3].map(() => limiter.admit('window-app', limits, t0)));
    const next = await Promise.all([1, 2, 3].map(() => limiter.admit('window-app', limits, t1)));
    expect(first.filter((a) => a.admitted)).toHaveLength(2);
    expect(next.filter((a) => a.admitted)).toHaveLength(2);
  });

  it('admits exactly the monthly quota, then answers quota (403) without consuming the minute', async () => {
    const limits = { requestsPerMinute: 100, monthlyQuota: 7 };
    const now = new Date('2030-03-10T08:00:00Z');
    const admissions = await Promise.all(Array.from({ length: 20 }, () => limiter.admit('quota-app', limits, now)));
    expect(admissions.filter((a) => a.admitted)).toHaveLength(7);
    expect(admissions.filter((a) => !a.admitted).every((a) => !a.admitted && a.reason === 'quota')).toBe(true);
    // Next month the quota starts again.
    expect((await limiter.admit('quota-app', limits, new Date('2030-04-01T00:00:00Z'))).admitted).toBe(true);
  });

  it('stores counters with a TTL just past their window', async () => {
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const now = new Date('2030-05-05T05:05:05Z');
    await limiter.admit('ttl-app', { requestsPerMinute: 5, monthlyQuota: 50 }, now);
    const w = windowsOf(now);
    const { Item } = await api.db.send(
      new GetCommand({ TableName: api.config.tables.rateLimits, Key: { counterId: `ttl-app#minute#${w.minute}` } }),
    );
    expect(Item?.count).toBe(1);
    expect(Item?.expiresAt).toBeGreaterThan(w.minuteEndsAt / 1000);
    expect(Item?.expiresAt).toBeLessThan(w.minuteEndsAt / 1000 + 3600);
  });
});
