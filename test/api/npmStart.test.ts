import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function waitFor(child: ChildProcess, pattern: RegExp, output: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = pattern.exec(output.text);
      if (found) resolve(found);
    };
    child.stdout?.on('data', (d: Buffer) => {
      output.text += d.toString();
      check();
    });
    child.stderr?.on('data', (d: Buffer) => (output.text += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${output.text}`)));
    check();
  });
}

const refused = async (url: string) => {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return false;
  } catch {
    return true;
  }
};

describe('npm start: the one-command local stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liveness-start-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    // SIGTERM lets the stack stop DynamoDB Local (SIGKILL would orphan the Java process).
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API with the dev credentials it was given, keeps data on disk, and Ctrl-C stops everything it started', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--data-dir', dir], {
      cwd: root,
      env: {
        ...process.env,
        LIVENESS_DEV_APP_ID: 'start-test',
        LIVENESS_DEV_APP_KEY: 'start-test.0123456789abcdefghij',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    await waitFor(child, /Ctrl-C stops everything/, output);
    const url = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.text)![1]!;
    expect(output.text).toContain('appId=start-test');
    // The dev key is not buried under the AWS SDK's Node-version warning; the gateway uses every core.
    expect(output.text).not.toContain('NodeVersionSupportWarning');
    expect(output.text).toMatch(/\d+ gateway workers?/);

    const endpoints = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { dynamoDbEndpoint: string; s3Endpoint: string };
    const health = await fetch(`${url}/v1/health`);
    expect(health.status).toBe(200);
    // The banner and health name the same liveness models: fr_liveness first, then any installed pack's.
    const { livenessModels } = ((await health.json()) as { result: { livenessModels: { id: string; modelVersion: string }[] } }).result;
    expect(livenessModels[0]!.id).toBe('fr_liveness');
    expect(output.text).toContain(`liveness models: ${livenessModels.map((m) => m.modelVersion).join(', ')}\n`);
    if (livenessModels.length === 1) expect(output.text).toContain('(silent-face not installed: npx liveness models add silent-face)');
    const unauthorized = await fetch(`${url}/v1/transactions/x`, { headers: { appId: 'start-test', appKey: 'wrong' } });
    expect(unauthorized.status).toBe(401);
    const authorized = await fetch(`${url}/v1/transactions/none-yet`, { headers: { 'x-api-key': 'start-test.0123456789abcdefghij' } });
    expect(authorized.status).toBe(404);
    expect(existsSync(join(dir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);

    // A request that hangs (its body never comes) must not hold Ctrl-C for long: it is answered 503.
    const { port } = new URL(url);
    const stalled = new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"image":'),
      );
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });
    await new Promise((r) => setTimeout(r, 300));

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const answer = await stalled;
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toContain('"reason":"SHUTTING_DOWN"');
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, 'endpoints.json'))).toBe(false);
    expect(await refused(`${url}/v1/health`)).toBe(true);
    expect(await refused(endpoints.dynamoDbEndpoint)).toBe(true);
    expect(await refused(endpoints.s3Endpoint)).toBe(true);
  });
});
