#!/usr/bin/env node
/**
 * Ops CLI for apps and keys: `npm run keys -- create|list|rotate|revoke|set-plan|set-rules|set-origins|plans`.
 * Talks to the local stack's DynamoDB by default (found through .local/endpoints.json while
 * `npm start` runs), or to a real table with --aws. Prints a clear key once; stores only its hash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { AppAdmin, publicView } from '../commons/appAdmin.js';
import { dynamoDbClient } from '../commons/clients.js';
import { ENV, loadConfig } from '../commons/config.js';
import { PLANS, PLAN_NAMES } from '../commons/plans.js';
import { DynamoDbAppStore } from '../commons/stores/dynamodb/DynamoDbAppStore.js';

/** Written by `npm start` into its data dir while it runs: where its DynamoDB Local listens. */
export const LOCAL_ENDPOINTS_FILE = 'endpoints.json';

interface GlobalOptions {
  endpoint?: string;
  aws?: boolean;
  table?: string;
  localDir: string;
}

function adminFor(options: GlobalOptions): { admin: AppAdmin; where: string } {
  const env = { ...process.env };
  if (options.table) env[ENV.appsTable] = options.table;
  if (options.aws) {
    delete env[ENV.dynamoDbEndpoint];
  } else if (options.endpoint) {
    env[ENV.dynamoDbEndpoint] = options.endpoint;
  } else if (!env[ENV.dynamoDbEndpoint]) {
    const file = resolve(options.localDir, LOCAL_ENDPOINTS_FILE);
    if (!existsSync(file)) {
      throw new Error(`no local stack found (${file} is written while \`npm start\` runs); start it, or pass --endpoint URL, or --aws for the real table`);
    }
    env[ENV.dynamoDbEndpoint] = (JSON.parse(readFileSync(file, 'utf8')) as { dynamoDbEndpoint: string }).dynamoDbEndpoint;
  }
  const config = loadConfig(env);
  const where = `${config.tables.apps} @ ${config.dynamoDbEndpoint ?? `AWS ${config.awsRegion}`}`;
  return { admin: new AppAdmin(new DynamoDbAppStore(dynamoDbClient(config), config.tables.apps)), where };
}

const printKey = (appId: string, key: string) =>
  console.log(`appId:  ${appId}\nappKey: ${key}\n(shown once: only its hash is stored)`);

export function buildKeysProgram(): Command {
  const program = new Command('keys')
    .description('create, list, rotate and revoke app keys; assign plans')
    .option('--endpoint <url>', 'DynamoDB endpoint (default: the running local stack)')
    .option('--aws', 'use the real table in AWS (AWS_REGION, LIVENESS_APPS_TABLE, default credentials)')
    .option('--table <name>', 'apps table name (default LIVENESS_APPS_TABLE or liveness-apps)')
    .option('--local-dir <dir>', 'data dir of the running `npm start`', '.local')
    .showHelpAfterError();
  const admin = () => adminFor(program.opts<GlobalOptions>()).admin;

  program
    .command('create <appId>')
    .description('create an app with a new random key')
    .option('--plan <plan>', `one of ${PLAN_NAMES.join(', ')}`, 'standard')
    .option('--description <text>', 'free text, e.g. the customer')
    .action(async (appId: string, o: { plan: string; description?: string }) => {
      const { key } = await admin().create(appId, { plan: o.plan, ...(o.description ? { description: o.description } : {}) });
      printKey(appId, key);
    });
  program
    .command('list')
    .description('apps, plans and status (never keys)')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      const apps = (await admin().list()).map(publicView);
      if (o.json) for (const app of apps) console.log(JSON.stringify(app));
      else for (const a of apps) console.log(`${a.appId.padEnd(24)} ${a.plan.padEnd(11)} ${a.status.padEnd(8)} ${a.updatedAt}`);
    });
  program
    .command('rotate <appId>')
    .description('issue a new key; the old one stops working at once (re-activates a revoked app)')
    .action(async (appId: string) => printKey(appId, (await admin().rotate(appId)).key));
  program
    .command('revoke <appId>')
    .description('block the app: its key gets 403 until rotated')
    .action(async (appId: string) => console.log(`${(await admin().revoke(appId)).appId} revoked`));
  program
    .command('set-plan <appId> <plan>')
    .description('assign a plan')
    .action(async (appId: string, plan: string) => {
      const app = await admin().setPlan(appId, plan);
      console.log(`${app.appId} now on plan ${app.plan}`);
    });
  program
    .command('set-rules <appId> <rules>')
    .description("judge this app by a rules document instead of its plan's ('plan' goes back to the plan's)")
    .action(async (appId: string, rules: string) => {
      const app = await admin().setRules(appId, rules === 'plan' ? null : rules);
      console.log(`${app.appId} now judged by ${app.rules ?? `its plan's rules (${PLANS[app.plan].rules})`}`);
    });
  program
    .command('set-origins <appId> <origins>')
    .description("browser origins allowed to call checkLiveness with this app's session tokens, comma-separated ('none' clears)")
    .action(async (appId: string, origins: string) => {
      const list = origins === 'none' ? [] : origins.split(',').filter((o) => o.trim() !== '');
      const app = await admin().setOrigins(appId, list);
      console.log(`${app.appId} allows ${app.allowedOrigins?.join(', ') ?? 'no browser origin'}`);
    });
  program
    .command('plans')
    .description('the plans of functions/commons/plans.ts')
    .action(() => {
      for (const [name, p] of Object.entries(PLANS)) {
        console.log(`${name.padEnd(11)} ${p.requestsPerMinute}/min  ${p.monthlyQuota}/month  ${p.sessionsPerMinute} sessions/min  ${p.features.join(',')}`);
      }
    });
  return program;
}

// Run when executed, not when imported by a test.
if (process.argv[1] && /keys\.(ts|js)$/.test(process.argv[1])) {
  try {
    await buildKeysProgram().parseAsync(process.argv);
  } catch (error) {
    console.error(`keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
