import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/commons/config.js';
import { DEFAULT_DEPLOYMENT, type DeploymentConfig } from '../../infra/config.js';
import { ACCESS, type FunctionName } from '../../infra/constructs/LivenessFunctions.js';
import { addRegionStacks } from '../../infra/regionStacks.js';
import type { LivenessRegionStack } from '../../infra/stacks/LivenessRegionStack.js';
import { type Architecture, ARCHITECTURES, buildLayers, folderBytes } from '../../layers/build.js';
import { apiGatewayEvent, localStackEnvironment } from '../../scripts/local/lambdaProcess.js';
import { startLocalStack, type LocalStack } from '../../scripts/local/stack.js';

// Two stacks in one app: irl on arm64 (the default) and usa switched to x64 (this machine's
// architecture, so its bundles and layers can run here). The synthesised asset folders are exactly
// what `cdk deploy` would zip and upload.
const repoRoot = join(import.meta.dirname, '../..');
const cdkContext = (JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const outdir = mkdtempSync(join(tmpdir(), 'liveness-cdk-layers-'));
const regionOf = (code: string) => DEFAULT_DEPLOYMENT.regions.find((r) => r.code === code)!;
const deployment: DeploymentConfig = {
  ...DEFAULT_DEPLOYMENT,
  regions: [regionOf('irl'), { ...regionOf('usa'), architecture: 'x64' }],
};
const stacks = new Map<Architecture, LivenessRegionStack>();
const templates = new Map<Architecture, Template>();

beforeAll(async () => {
  const app = new App({ context: cdkContext, outdir });
  for (const stack of await addRegionStacks(app, deployment)) stacks.set(stack.config.architecture, stack);
  // CDK's CloudFormation schema validation is asserted in regionStacks.test.ts; here it would only cost ~20 s.
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    app.synth();
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  }
  for (const [arch, stack] of stacks) templates.set(arch, Template.fromStack(stack));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The staged asset folder of a function or layer: cdk.out/asset.<hash>, named by its S3 key. */
function assetDir(arch: Architecture, logicalId: string): string {
  const properties = templates.get(arch)!.toJSON().Resources[logicalId].Properties;
  const key: string = (properties.Code ?? properties.Content).S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}
const functionId = (arch: Architecture, name: FunctionName) => {
  const stack = stacks.get(arch)!;
  return stack.getLogicalId(stack.functions.functions[name].node.defaultChild as never);
};
const layerIds = (arch: Architecture, name: FunctionName): string[] =>
  ((templates.get(arch)!.toJSON().Resources[functionId(arch, name)].Properties.Layers ?? []) as { Ref: string }[]).map((l) => l.Ref);

describe.each(ARCHITECTURES.map((a) => [a]))('native layer for linux-%s', (arch) => {
  it('holds onnxruntime-node and sharp binaries for that architecture only', async () => {
    const modules = join((await buildLayers([arch])).native[arch]!, 'nodejs', 'node_modules');
    const other = arch === 'arm64' ? 'x64' : 'arm64';
    expect(readdirSync(join(modules, 'onnxruntime-node/bin/napi-v6'))).toEqual(['linux']);
    expect(readdirSync(join(modules, 'onnxruntime-node/bin/napi-v6/linux'))).toEqual([arch]);
    expect(readdirSync(join(modules, '@img')).sort()).toEqual(['colour', `sharp-libvips-linux-${arch}`, `sharp-linux-${arch}`]);
    const sharpBinary = readdirSync(join(modules, `@img/sharp-linux-${arch}/lib`)).find((f) => f.endsWith('.node'));
    expect(sharpBinary).toBeDefined();
    // The ELF header names the machine: 0xB7 = aarch64, 0x3E = x86-64.
    const machine = (file: string) => readFileSync(file).readUInt16LE(18);
    const expected = arch === 'arm64' ? 0xb7 : 0x3e;
    expect(machine(join(modules, `onnxruntime-node/bin/napi-v6/linux/${arch}/onnxruntime_binding.node`))).toBe(expected);
    expect(machine(join(modules, `@img/sharp-linux-${arch}/lib/${sharpBinary}`))).toBe(expected);
    expect(existsSync(join(modules, `@img/sharp-linux-${other}`))).toBe(false);
  });
});

it('switches functions and the native layer to x64 when the region asks for it', () => {
  for (const arch of ARCHITECTURES) {
    const expected = arch === 'arm64' ? 'arm64' : 'x86_64';
    const json = templates.get(arch)!.toJSON();
    expect(json.Resources[functionId(arch, 'checkLiveness')].Properties.Architectures).toEqual([expected]);
    const native = Object.values(json.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).find(
      (r) => r.Type === 'AWS::Lambda::LayerVersion' && String(r.Properties.Description).includes('onnxruntime-node'),
    )!;
    expect(native.Properties.CompatibleArchitectures).toEqual([expected]);
  }
});

describe('each function with its layers', () => {
  // Lambda's limit on a function's unzipped code plus all its layers: 250 MB (262,144,000 bytes).
  const LIMIT = 250 * 1024 * 1024;
  it.each(ARCHITECTURES.map((a) => [a]))('stays under Lambda’s 250 MB unzipped limit on %s', (arch) => {
    for (const name of Object.keys(ACCESS) as FunctionName[]) {
      const parts = [assetDir(arch, functionId(arch, name)), ...layerIds(arch, name).map((id) => assetDir(arch, id))];
      const total = parts.reduce((sum, dir) => sum + folderBytes(dir), 0);
      console.log(`${arch} ${name}: ${(total / 1e6).toFixed(1)} MB unzipped (function + ${parts.length - 1} layers)`);
      expect(total, name).toBeLessThan(LIMIT);
      if (ACCESS[name].layers) expect(total, name).toBeGreaterThan(30e6); // the models really are in there
    }
  });

  it('keeps onnxruntime-node and sharp out of the bundles and ships them only to functions that have the layer', () => {
    for (const name of Object.keys(ACCESS) as FunctionName[]) {
      const bundle = readFileSync(join(assetDir('arm64', functionId('arm64', name)), 'index.js'), 'utf8');
      const needsNative = /require\("(onnxruntime-node|sharp)"\)/.test(bundle);
      expect(needsNative, `${name} requires a native module`).toBe(ACCESS[name].layers);
      expect(bundle).not.toContain('onnxruntime_binding.node');
    }
  });
});

// --- The built handler in a clean process that sees the layers only at /opt ---------------------

const sample = join(repoRoot, 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']);
const isolationUnavailable =
  probe.status !== 0
    ? `cannot create a private mount namespace here (unshare needs root: ${String(probe.stderr).trim() || probe.error}); the built-handler test is skipped`
    : existsSync('/tmp/node_modules') || existsSync('/node_modules')
      ? 'a node_modules folder above the temp dir would leak modules into the clean process; skipped'
      : !existsSync(sample)
        ? `${sample} is absent (npm ci installs it); skipped`
        : undefined;
if (isolationUnavailable) console.warn(isolationUnavailable);

// Runs in the child: load the bundle as Lambda would, call the handler once, write what happened.
const RUNNER = `
const { writeFileSync, readFileSync } = require('node:fs');
const [bundle, eventFile, outFile] = process.argv.slice(2);
const context = { awsRequestId: 'infra-test-request', functionName: 'test', getRemainingTimeInMillis: () => 15000 };
(async () => {
  try {
    const { handler } = require(bundle);
    const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
    writeFileSync(outFile, JSON.stringify({ result, modules: Object.keys(require.cache) }));
  } catch (error) {
    writeFileSync(outFile, JSON.stringify({ error: String(error && error.stack || error) }));
  }
})();
`;

describe.skipIf(isolationUnavailable !== undefined)('built handlers on x64 with the layers mounted at /opt', () => {
  let local: LocalStack;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'liveness-opt-'));
    writeFileSync(join(work, 'runner.cjs'), RUNNER);
    local = await startLocalStack({ port: 0, devApp: { appId: 'infra-layer-test', plan: 'standard' } });
  });
  afterAll(async () => {
    await local?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Invokes one built function in a fresh mount namespace: tmpfs on /opt, its layers bound in, nothing else. */
  function invoke(
    name: FunctionName,
    event: object,
    options: { withLayers: boolean } = { withLayers: true },
  ): { result?: { statusCode: number; body: string }; modules?: string[]; error?: string } {
    const arch: Architecture = 'x64';
    const bundleDir = assetDir(arch, functionId(arch, name));
    const binds = (options.withLayers ? layerIds(arch, name) : []).flatMap((id) => {
      const root = assetDir(arch, id);
      return readdirSync(root).map((entry) => `mkdir -p /opt/${entry} && mount --bind ${join(root, entry)} /opt/${entry}`);
    });
    const fn = templates.get(arch)!.toJSON().Resources[functionId(arch, name)].Properties;
    // The function's own environment from the template, with table/bucket references replaced by the local ones.
    const config = loadConfig();
    const resolved: Record<string, string> = {};
    for (const [key, value] of Object.entries(fn.Environment.Variables as Record<string, unknown>)) {
      resolved[key] = typeof value === 'string' ? value : '';
    }
    Object.assign(resolved, localStackEnvironment(config, local));
    const eventFile = join(work, `${name}-event.json`);
    const outFile = join(work, `${name}-out.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const script = ['mount -t tmpfs tmpfs /opt', ...binds, `cd ${bundleDir}`, `exec node ${join(work, 'runner.cjs')} ${join(bundleDir, 'index.js')} ${eventFile} ${outFile}`].join(' && ');
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      // Only what Lambda's Node.js runtime sets, plus the function's environment: NODE_PATH is how /opt/nodejs is reached.
      env: {
        PATH: process.env.PATH,
        NODE_PATH: '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: name,
        ...resolved,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (!existsSync(outFile)) throw new Error(`child wrote nothing (status ${run.status}): ${run.stderr.slice(-2000)}`);
    return JSON.parse(readFileSync(outFile, 'utf8'));
  }


  const expectOnlyOptAndBundle = (modules: string[] | undefined, bundleDir: string) => {
    expect(modules!.length).toBeGreaterThan(0);
    const runner = join(work, 'runner.cjs');
    for (const file of modules!) expect(file.startsWith('/opt/') || file.startsWith(bundleDir) || file === runner, file).toBe(true);
  };

  it('cannot load the bundle when the layers are not mounted (nothing leaks in from the repository)', () => {
    const out = invoke('health', apiGatewayEvent('GET', '/v1/health', {}, null), { withLayers: false });
    expect(out.error).toMatch(/Cannot find module 'onnxruntime-node'/);
  });

  it('health answers 200 with the model ids, loading onnxruntime-node from /opt/nodejs', () => {
    const out = invoke('health', apiGatewayEvent('GET', '/v1/health', {}, null));
    expect(out.error).toBeUndefined();
    expect(out.result!.statusCode).toBe(200);
    const body = JSON.parse(out.result!.body);
    expect(body.result.models.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['fr_detect', 'fr_liveness']));
    expect(out.modules).toEqual(expect.arrayContaining([expect.stringMatching(/^\/opt\/nodejs\/node_modules\/onnxruntime-node\//)]));
    expectOnlyOptAndBundle(out.modules, assetDir('x64', functionId('x64', 'health')));
  });

  it('checkLiveness answers a real photo with a liveness verdict, models read from /opt/models', () => {
    const boundary = '----infra-layer-test';
    const image = readFileSync(sample);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="sample1.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const out = invoke(
      'checkLiveness',
      apiGatewayEvent('POST', '/v1/checkLiveness', {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        appId: local.devApp!.appId,
        appKey: local.devApp!.appKey,
        transactionId: 'infra-layer-test-1',
      }, body),
    );
    expect(out.error).toBeUndefined();
    const response = JSON.parse(out.result!.body);
    console.log(`built checkLiveness on x64 answered: ${JSON.stringify(response.result.details.liveFace)}, model ${response.result.modelVersion ?? response.result.details.modelVersion ?? '?'}`);
    expect(out.result!.statusCode, out.result!.body).toBe(200);
    expect(response.status).toBe('success');
    expect(['yes', 'no']).toContain(response.result.details.liveFace.value);
    expect(response.result.details.liveFace.score).toBeGreaterThanOrEqual(0);
    expect(response.result.details.liveFace.score).toBeLessThanOrEqual(1);
    expect(response.result.details.face.facesDetected).toBeGreaterThanOrEqual(1);
    const modules = out.modules!;
    expect(modules).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/opt\/nodejs\/node_modules\/sharp\//),
      expect.stringMatching(/^\/opt\/nodejs\/node_modules\/onnxruntime-node\//),
    ]));
    expectOnlyOptAndBundle(modules, assetDir('x64', functionId('x64', 'checkLiveness')));
  });
});
