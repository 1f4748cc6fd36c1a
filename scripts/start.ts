/**
 * `npm start`: the API on http://127.0.0.1:$PORT (default 3000) over DynamoDB Local and a local
 * S3-compatible server, with a dev app. Data lives under .local/ unless --in-memory.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { LOCAL_ENDPOINTS_FILE } from '../functions/cli/keys.js';
import { chosenKeyProblem } from '../functions/commons/appAdmin.js';
import { loadConfig } from '../functions/commons/config.js';
import { isValidAppId } from '../functions/commons/keys.js';
import { isPlanName, PLAN_NAMES, type PlanName } from '../functions/commons/plans.js';
import { activeLivenessModels, resolveModelDir } from '../functions/liveness/modelRegistry.js';
import { installedPacks, PACKS } from '../functions/liveness/packs.js';
import { startLocalStack } from './local/stack.js';
import { NODE_SUPPORT_NOTICE } from './nodeSupport.js';

const program = new Command('start')
  .description('run the liveness API locally on the same handlers as Lambda')
  .option('--port <port>', 'gateway port (env PORT)', process.env.PORT ?? '3000')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data-dir <dir>', 'where DynamoDB Local and the S3 server keep data', '.local')
  .option('--in-memory', 'keep no data on disk (lost on exit)', false)
  .option('--workers <n>', 'gateway processes sharing the port (0: serve from this process)', String(availableParallelism()))
  .addHelpText(
    'after',
    `
Environment:
  LIVENESS_DEV_APP_ID    dev app id (default dev-app)
  LIVENESS_DEV_APP_KEY   dev app key (default: a random key, printed; a new one on each start)
  LIVENESS_DEV_APP_PLAN  dev app plan: ${PLAN_NAMES.join(', ')} (default standard)
  LIVENESS_*             any setting of functions/commons/config.ts (see docs/configuration.md)`,
  )
  .parse();

const opts = program.opts<{ port: string; host: string; dataDir: string; inMemory: boolean; workers: string }>();
const workers = Number(opts.workers);
if (!Number.isInteger(workers) || workers < 0 || workers > 64) program.error(`invalid --workers ${opts.workers}`);
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`invalid port ${opts.port}`);
const planName = process.env.LIVENESS_DEV_APP_PLAN || 'standard';
if (!isPlanName(planName)) program.error(`LIVENESS_DEV_APP_PLAN must be one of ${PLAN_NAMES.join(', ')}`);
const plan = planName as PlanName;
const devAppId = process.env.LIVENESS_DEV_APP_ID || 'dev-app';
if (!isValidAppId(devAppId)) program.error(`LIVENESS_DEV_APP_ID "${devAppId}" is not an app id: 3-64 letters, digits or '-'`);
const devKey = process.env.LIVENESS_DEV_APP_KEY;
const keyProblem = devKey ? chosenKeyProblem(devAppId, devKey) : undefined;
if (keyProblem) program.error(`LIVENESS_DEV_APP_KEY: ${keyProblem}`);
// Every LIVENESS_* setting is read now, before DynamoDB Local starts, so a bad one is a message rather than a stack.
try {
  loadConfig();
} catch (error) {
  program.error((error as Error).message);
}

const stack = await startLocalStack({
  port,
  host: opts.host,
  workers,
  ...(opts.inMemory ? {} : { dataDir: opts.dataDir }),
  demo: true,
  devApp: { appId: devAppId, ...(devKey ? { key: devKey } : {}), plan },
}).catch((error: unknown) =>
  // Port taken, no Java, a data dir that is a file...: one line (what the user can fix), never a stack.
  program.error(`could not start: ${String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, ' ')}`),
);

// Lets `npm run keys` find this stack's DynamoDB Local (no secrets in it); removed on stop.
const endpointsFile = join(opts.dataDir, LOCAL_ENDPOINTS_FILE);
mkdirSync(opts.dataDir, { recursive: true });
writeFileSync(endpointsFile, JSON.stringify({ url: stack.url, dynamoDbEndpoint: stack.dynamoDbEndpoint, s3Endpoint: stack.s3Endpoint, pid: process.pid }));

const dev = stack.devApp!;
const modelDir = resolveModelDir();
const missingPacks = PACKS.filter((pack) => !installedPacks(modelDir).includes(pack)).map((pack) => `  (${pack.name} not installed: npx liveness models add ${pack.name})`);
const livenessModels = [`  liveness models: ${activeLivenessModels(modelDir).map((m) => m.modelVersion).join(', ')}`, ...missingPacks].join('\n');
const gateways = stack.workers > 0 ? `${stack.workers} gateway worker${stack.workers > 1 ? 's' : ''}` : 'gateway in this process';
console.log(`
open-liveness API on ${stack.url}   (${opts.inMemory ? 'in memory' : `data in ${opts.dataDir}/`}, ${gateways})
  DynamoDB Local ${stack.dynamoDbEndpoint}   S3 ${stack.s3Endpoint} (local only: no signature checks)
${livenessModels}
  dev app: appId=${dev.appId}  appKey=${dev.appKey}${dev.rotated ? '   (new key: only hashes are stored)' : ''}

  # a photo every install has (face-api's demo, several faces)
  curl -s ${stack.url}/v1/checkLiveness -H 'appId: ${dev.appId}' -H 'appKey: ${dev.appKey}' \\
       -H 'transactionId: demo-1' -F image=@node_modules/@vladmandic/face-api/demo/sample1.jpg -F returnCroppedImageURL=yes

  capture demo (camera, <liveness-capture>): ${stack.url}/demo/
${NODE_SUPPORT_NOTICE ? `\n${NODE_SUPPORT_NOTICE}\n` : ''}
Ctrl-C stops everything (again to stop at once).`);

let stoppingSince: number | undefined;
const shutdown = async (signal: string) => {
  if (stoppingSince !== undefined) {
    // A second Ctrl-C: do not wait for requests in progress (DynamoDB Local is killed on exit). One within
    // a second is the same Ctrl-C: `npm start` passes on the SIGINT the terminal already sent us.
    if (signal === 'SIGINT' && Date.now() - stoppingSince > 1_000) process.exit(130);
    return;
  }
  stoppingSince = Date.now();
  console.log(`\n${signal}: stopping: new requests get 503, requests in progress get 5 s to arrive and then finish; then the S3 server and DynamoDB Local...`);
  rmSync(endpointsFile, { force: true });
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
// npm does not always pass SIGTERM on; when our parent goes away, do not leave Java and servers behind.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void shutdown('parent exited'), 1000).unref();
process.on('SIGTERM', () => void shutdown('SIGTERM'));
