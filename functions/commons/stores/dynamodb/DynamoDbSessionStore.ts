import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../tables.js';
import type { SessionRecord, SessionStore, SessionUse } from '../sessionStore.js';

const key = TABLES.sessions.partitionKey.name;

export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: SessionRecord): Promise<void> {
    // A 256-bit token never collides; the condition only guards against a replayed create.
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: session,
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': key },
      }),
    );
  }

  async use(tokenHash: string, nowSeconds: number): Promise<SessionUse> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [key]: tokenHash },
          UpdateExpression: 'SET checksLeft = checksLeft - :one',
          ConditionExpression: 'attribute_exists(#k) AND checksLeft >= :one AND expiresAt > :now',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':one': 1, ':now': nowSeconds },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { used: true, session: Attributes as SessionRecord };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? (unmarshalled(error.Item) as Partial<SessionRecord>) : undefined;
      if (!old?.appId) return { used: false, reason: 'unknown' };
      if ((old.expiresAt ?? 0) <= nowSeconds) return { used: false, reason: 'expired' };
      return { used: false, reason: 'used' };
    }
  }

  async peek(tokenHash: string, nowSeconds: number): Promise<SessionRecord | undefined> {
    const session = await this.get(tokenHash);
    return session && session.expiresAt > nowSeconds ? session : undefined;
  }

  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { [key]: tokenHash }, ConsistentRead: true }));
    return Item as SessionRecord | undefined;
  }
}

// The exception carries the raw (marshalled) item: only the few plain fields read above are needed.
function unmarshalled(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    const v = value as { S?: string; N?: string };
    out[name] = v.S ?? (v.N !== undefined ? Number(v.N) : undefined);
  }
  return out;
}
