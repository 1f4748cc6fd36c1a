import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../tables.js';
import type { TransactionLog, TransactionRecord } from '../transactionLog.js';

const { partitionKey, ttlAttribute } = TABLES.transactionLog;
const transactionKey = (appId: string, transactionId: string | undefined) => `${appId}#${transactionId ?? '-'}`;

export class DynamoDbTransactionLog implements TransactionLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async record(entry: TransactionRecord): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.time) / 1000) + Math.round(this.retentionDays * 86_400);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...entry, [partitionKey.name]: transactionKey(entry.appId, entry.transactionId), [ttlAttribute]: expiresAt },
      }),
    );
  }

  async byTransaction(appId: string, transactionId: string): Promise<TransactionRecord[]> {
    const records: TransactionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': partitionKey.name },
          ExpressionAttributeValues: { ':pk': transactionKey(appId, transactionId) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const { [partitionKey.name]: _pk, [ttlAttribute]: _ttl, ...record } = item;
        records.push(record as TransactionRecord);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.time.localeCompare(b.time));
  }
}
