import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../tables.js';
import { type AppChange, AppExistsError, AppNotFoundError, type AppRecord, type AppStore } from '../appStore.js';

const key = TABLES.apps.partitionKey.name;

export class DynamoDbAppStore implements AppStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(appId: string): Promise<AppRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { [key]: appId } }));
    return Item as AppRecord | undefined;
  }

  async create(app: AppRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: app,
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': key },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AppExistsError(app.appId);
      throw error;
    }
  }

  async list(): Promise<AppRecord[]> {
    const apps: AppRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }));
      apps.push(...((page.Items ?? []) as AppRecord[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return apps.sort((a, b) => a.appId.localeCompare(b.appId));
  }

  async update(appId: string, change: AppChange): Promise<AppRecord> {
    const fields = { ...change, updatedAt: new Date().toISOString() };
    const names: Record<string, string> = { '#k': key };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(fields).forEach(([name, value], i) => {
      if (value === undefined) return;
      names[`#f${i}`] = name;
      if (value === null) return void removes.push(`#f${i}`);
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    });
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [key]: appId },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(#k)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as AppRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AppNotFoundError(appId);
      throw error;
    }
  }
}
