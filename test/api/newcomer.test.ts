import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../functions/commons/tables.js';
import { freePort } from '../../scripts/local/stack.js';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamoDbLocal.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
// The API page holds the examples a newcomer copies (README.md links to it).
const apiPage = readFileSync(join(root, 'docs/api.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean>; scripts: Record<string, string> };
// The environment of a user's shell, not of this test run.
const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...userEnv } = process.env;
// This test process's own client (creating the table) need not warn.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('a fresh clone, as a newcomer runs it', () => {
  it('reviews every install script (allowScripts) and keeps onnxruntime-node from downloading, in .npmrc and package.json', async () => {
    expect(readFileSync(join(root, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    expect(pkg.allowScripts).toMatchObject({ esbuild: true, 'onnxruntime-node': false });
    const { stdout } = await run('npm', ['install-scripts', 'ls'], { cwd: root, env: userEnv });
    expect(stdout).toContain('No packages with unreviewed install scripts');
  });

  it("runs the API page's examples as written: the photo exists, and the JSON body is built with portable base64", async () => {
    const photo = /^SELFIE=(\S+)$/m.exec(apiPage)?.[1];
    expect(photo).toBeDefined();
    expect(existsSync(join(root, photo!))).toBe(true);
    expect(apiPage).not.toContain('base64 -w0');
    const line = apiPage.split('\n').find((l) => l.startsWith("printf '{\"image\""))!;
    const dir = mkdtempSync(join(tmpdir(), 'api-page-'));
    try {
      await run('sh', ['-c', `SELFIE=${join(root, photo!)}; ${line}`], { cwd: dir });
      const body = JSON.parse(readFileSync(join(dir, 'body.json'), 'utf8')) as { image: string };
      expect(Buffer.from(body.image, 'base64').equals(readFileSync(join(root, photo!)))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('npm run keys', () => {
    let dynamo: DynamoDbLocal | undefined;
    afterAll(async () => dynamo?.stop());

    it("prints the key without the AWS SDK's Node-version warning before it; the notice, if any, comes after", async () => {
      dynamo = await startDynamoDbLocal(await freePort());
      const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      await createTables(admin, [{ name: 'liveness-apps', table: TABLES.apps }]);
      admin.destroy();
      const env = { ...userEnv, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
      const [command, ...args] = pkg.scripts.keys!.split(' ');
      const { stdout, stderr } = await run(command === 'tsx' ? join(root, 'node_modules/.bin/tsx') : command!, [...args, 'create', 'newcomer-app', '--endpoint', dynamo.endpoint], { cwd: root, env });
      expect(stdout).toMatch(/appKey: newcomer-app\.\S{20,}/);
      expect(stderr).not.toContain('NodeVersionSupportWarning');
      if (Number(process.versions.node.split('.')[0]) < 22) expect(stderr).toContain('Node >= 22');
    });
  });
});
