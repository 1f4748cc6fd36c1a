import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../tables.js';
import { type Admission, type Limits, type RateLimiter, windowsOf } from '../rateLimiter.js';

const key = TABLES.rateLimits.partitionKey.name;
const ttl = TABLES.rateLimits.ttlAttribute;

/**
 * Counters as items updated with a conditional atomic ADD: DynamoDB serialises writes to one item,
 * so under any concurrency exactly `limit` increments succeed per window.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async admit(counter: string, limits: Limits, now = new Date()): Promise<Admission> {
    const w = windowsOf(now);
    const monthId = `${counter}#month#${w.month}`;
    const quota = limits.monthlyQuota;
    // A spent quota answers 403 without consuming a minute slot.
    if (quota !== undefined) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { [key]: monthId }, ConsistentRead: true }),
      );
      if (typeof Item?.count === 'number' && Item.count >= quota) return { admitted: false, reason: 'quota' };
    }

    const minuteExpiry = Math.floor(w.minuteEndsAt / 1000) + 120;
    if (!(await this.increment(`${counter}#minute#${w.minute}`, limits.requestsPerMinute, minuteExpiry))) {
      return { admitted: false, reason: 'rateLimit', retryAfterSeconds: w.retryAfterSeconds };
    }
    const monthExpiry = Math.floor(w.monthEndsAt / 1000) + 35 * 86_400;
    if (quota !== undefined && !(await this.increment(monthId, quota, monthExpiry))) return { admitted: false, reason: 'quota' };
    return { admitted: true };
  }

  /** true when the counter was below the limit and is now one higher. */
  private async increment(counterId: string, limit: number, expiresAt: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [key]: counterId },
          UpdateExpression: 'ADD #c :one SET #t = if_not_exists(#t, :ttl)',
          ConditionExpression: 'attribute_not_exists(#c) OR #c < :limit',
          ExpressionAttributeNames: { '#c': 'count', '#t': ttl },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
