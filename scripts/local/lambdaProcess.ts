// A built Lambda function run as Lambda runs it: the bundle `cdk synth` stages (the exact asset
// `cdk deploy` uploads), its layers visible only at /opt (a private mount namespace: tmpfs on /opt,
// each layer bound in), Lambda's NODE_PATH, a fresh node process. Used by bench:cold and bench:memory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_DEPLOYMENT, type DeploymentConfig } from '../../infra/config.js';
import { type FunctionName, REPO_ROOT } from '../../infra/constructs/LivenessFunctions.js';
import { addRegionStacks } from '../../infra/regionStacks.js';
import { ENV, type loadConfig } from '../../functions/commons/config.js';
import type { LocalStack } from './stack.js';

/** Lambda's Node.js runtime reaches layers through these (nodejs/node22 first, then nodejs/). */
export const LAMBDA_NODE_PATH = '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules';

export interface BuiltFunction {
  readonly name: FunctionName;
  /** The staged asset folder holding index.js. */
  readonly bundleDir: string;
  /** Each layer's zip root; its entries appear under /opt. */
  readonly layerDirs: readonly string[];
  /** The function's environment from the template; references to other resources are left empty. */
  readonly environment: Readonly<Record<string, string>>;
  /** Whether this run reused an earlier synth (same sources). */
  readonly reused: boolean;
}

// Outside the repository: its package.json says "type": "module", which would make index.js an ES module.
const SYNTH_DIR = join(tmpdir(), 'open-liveness-lambda-synth');

/** Hash of everything a bundle or layer is built from: a change anywhere means synthesise again. */
function sourceStamp(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.onnx')) hash.update(relative(REPO_ROOT, path)).update(readFileSync(path));
    }
  };
  for (const dir of ['functions', 'infra', 'models']) walk(join(REPO_ROOT, dir));
  for (const file of ['layers/build.ts', 'package-lock.json', 'cdk.json']) hash.update(file).update(readFileSync(join(REPO_ROOT, file)));
  for (const file of readdirSync(join(REPO_ROOT, 'models')).filter((f) => f.endsWith('.onnx'))) {
    hash.update(file).update(String(statSync(join(REPO_ROOT, 'models', file)).size));
  }
  return hash.digest('hex');
}

interface SynthRecord {
  readonly stamp: string;
  readonly functions: Record<string, { bundleDir: string; layerDirs: string[]; environment: Record<string, string> }>;
}

/**
 * Synthesises one x64 region stack (this machine's architecture, so its bundles run here) with the
 * deployed bundling options, or reuses the last synth when no source changed. `rebuild` forces it.
 */
export async function builtFunction(name: FunctionName, options: { rebuild?: boolean } = {}): Promise<BuiltFunction> {
  const recordFile = join(SYNTH_DIR, 'functions.json');
  const stamp = sourceStamp();
  if (!options.rebuild && existsSync(recordFile)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as SynthRecord;
    const fn = record.functions[name];
    if (record.stamp === stamp && fn && existsSync(join(fn.bundleDir, 'index.js'))) return { name, ...fn, reused: true };
  }
  rmSync(SYNTH_DIR, { recursive: true, force: true });
  const outdir = join(SYNTH_DIR, 'cdk.out');
  mkdirSync(outdir, { recursive: true });
  const cdkContext = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  const usa = DEFAULT_DEPLOYMENT.regions.find((r) => r.code === 'usa')!;
  const deployment: DeploymentConfig = { ...DEFAULT_DEPLOYMENT, regions: [{ ...usa, architecture: 'x64' }] };
  const app = new App({ context: cdkContext, outdir });
  const [stack] = await addRegionStacks(app, deployment);
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false'; // schema validation is the infra tests' job; here it only costs time
  try {
    app.synth();
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  }
  const resources = Template.fromStack(stack!).toJSON().Resources as Record<string, { Properties: Record<string, any> }>;
  const assetDir = (logicalId: string) => {
    const properties = resources[logicalId]!.Properties;
    return join(outdir, `asset.${String((properties.Code ?? properties.Content).S3Key).replace(/\.zip$/, '')}`);
  };
  const functions: SynthRecord['functions'] = {};
  for (const [fnName, fn] of Object.entries(stack!.functions.functions)) {
    const id = stack!.getLogicalId(fn.node.defaultChild as never);
    const properties = resources[id]!.Properties;
    const environment = Object.fromEntries(
      Object.entries((properties.Environment?.Variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    functions[fnName] = {
      bundleDir: assetDir(id),
      layerDirs: ((properties.Layers ?? []) as { Ref: string }[]).map((l) => assetDir(l.Ref)),
      environment,
    };
  }
  writeFileSync(recordFile, JSON.stringify({ stamp, functions } satisfies SynthRecord, null, 2));
  return { name, ...functions[name]!, reused: false };
}

/** Whether this process may create a private mount namespace (root, or a user namespace allowed). */
export function canIsolate(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']);
  if (probe.status !== 0) return { ok: false, reason: `unshare --mount failed: ${String(probe.stderr).trim() || String(probe.error)}` };
  if (existsSync('/tmp/node_modules') || existsSync('/node_modules')) return { ok: false, reason: 'a node_modules folder above /tmp would leak modules in' };
  return { ok: true };
}

const hasTaskset = (): boolean => spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export interface LambdaProcessOptions {
  readonly fn: BuiltFunction;
  /** The CommonJS runner to execute (it loads the bundle from argv). */
  readonly runner: string;
  readonly args?: readonly string[];
  /** Extra environment (local endpoints, table names). */
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeOptions?: readonly string[];
  /** Pin to CPU 0 with taskset when available. */
  readonly oneCore?: boolean;
  /** false: no namespace, NODE_PATH at the layer folders themselves (for machines without unshare). */
  readonly isolate?: boolean;
}

export interface LambdaProcess {
  readonly child: ChildProcess;
  /** How the process was run, in words, for the bench output. */
  readonly how: string;
}

/**
 * Starts a fresh node process running `runner` on the built bundle, with an IPC channel, seeing the
 * layers at /opt (isolate) or through NODE_PATH (fallback), and only Lambda's own environment.
 */
export function startLambdaProcess(options: LambdaProcessOptions): LambdaProcess {
  const { fn } = options;
  const isolate = options.isolate ?? true;
  const pin = (options.oneCore ?? true) && hasTaskset();
  const bundle = join(fn.bundleDir, 'index.js');
  const node = [...(pin ? ['taskset', '-c', '0'] : []), process.execPath, ...(options.nodeOptions ?? []), options.runner, bundle, ...(options.args ?? [])];
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const nodePath = isolate
    ? LAMBDA_NODE_PATH
    : fn.layerDirs.flatMap((dir) => [join(dir, 'nodejs', 'node22', 'node_modules'), join(dir, 'nodejs', 'node_modules')]).join(':');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_PATH: nodePath,
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    ...fn.environment,
    ...(isolate ? {} : { LIVENESS_MODEL_DIR: fn.layerDirs.map((d) => join(d, 'models')).find((d) => existsSync(d)) ?? '' }),
    ...options.env,
  };
  let child: ChildProcess;
  if (isolate) {
    const binds = fn.layerDirs.flatMap((root) =>
      readdirSync(root).map((entry) => `mkdir -p /opt/${entry} && mount --bind ${quote(join(root, entry))} /opt/${entry}`),
    );
    const script = ['mount -t tmpfs tmpfs /opt', ...binds, `cd ${quote(fn.bundleDir)}`, `exec ${node.map(quote).join(' ')}`].join(' && ');
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  } else {
    child = spawn(node[0]!, node.slice(1), { env, cwd: fn.bundleDir, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  }
  const how = [
    isolate ? `private mount namespace: tmpfs on /opt, layers bound in, NODE_PATH=${LAMBDA_NODE_PATH}` : 'NO mount namespace (unshare unavailable): NODE_PATH at the layer folders',
    pin ? 'pinned to CPU 0 (taskset -c 0)' : (options.oneCore ?? true) ? 'not pinned (taskset unavailable)' : 'all cores',
  ].join('; ');
  return { child, how };
}

/** The function environment that points a built handler at the local stack's tables, bucket and endpoints. */
export function localStackEnvironment(config: ReturnType<typeof loadConfig>, local: Pick<LocalStack, 'dynamoDbEndpoint' | 's3Endpoint'>): Record<string, string> {
  return {
    [ENV.appsTable]: config.tables.apps,
    [ENV.rateLimitsTable]: config.tables.rateLimits,
    [ENV.transactionsTable]: config.tables.transactionLog,
    [ENV.sessionsTable]: config.tables.sessions,
    [ENV.cropsBucket]: config.cropsBucket,
    [ENV.dynamoDbEndpoint]: local.dynamoDbEndpoint,
    [ENV.s3Endpoint]: local.s3Endpoint,
  };
}

/** A Lambda proxy event for one API Gateway request, as API Gateway hands it to the function. */
export function apiGatewayEvent(method: string, resource: string, headers: Record<string, string>, body: Buffer | string | null) {
  const binary = Buffer.isBuffer(body);
  return {
    resource,
    path: resource,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === null ? null : binary ? body.toString('base64') : body,
    isBase64Encoded: binary,
    requestContext: { requestId: `local-${process.hrtime.bigint()}`, stage: 'live', httpMethod: method, resourcePath: resource },
  };
}

/** A multipart/form-data body with the given image parts and text fields. */
export function multipartBody(images: readonly { field: string; bytes: Buffer; type: string }[], fields: Record<string, string> = {}) {
  const boundary = `----lambda-bench-${process.hrtime.bigint()}`;
  const parts: Buffer[] = [];
  for (const image of images) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${image.field}"; filename="${image.field}"\r\nContent-Type: ${image.type}\r\n\r\n`), image.bytes, Buffer.from('\r\n'));
  }
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
