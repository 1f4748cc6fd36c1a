import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** `npm start`'s entry as a real process, to its exit. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './scripts/nodeSupport.ts', 'scripts/start.ts', '--in-memory', ...args], {
      cwd: root,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** One line on stderr, no stack frame, the setting named; nothing served. */
function expectOneLine(result: { code: number | null; stdout: string; stderr: string }, ...says: string[]) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const text of says) expect(lines[0]).toContain(text);
  expect(result.stdout).not.toContain('API on');
}

describe('npm start: configuration mistakes are one line and a non-zero exit', () => {
  let taken: Server | undefined;
  afterAll(() => void taken?.close());

  it('refuses a dev key that is too short, without echoing it', async () => {
    const result = await start(['--port', '0'], { LIVENESS_DEV_APP_KEY: 'short' });
    expectOneLine(result, 'LIVENESS_DEV_APP_KEY', '16 to 256 characters');
    expect(result.stderr).not.toContain('short\n');
  });

  it('refuses a dev key that names another app (it would be stored and never authenticate)', async () => {
    const result = await start(['--port', '0'], { LIVENESS_DEV_APP_ID: 'my-dev-app', LIVENESS_DEV_APP_KEY: 'other-app.0123456789abcdefghij' });
    expectOneLine(result, 'LIVENESS_DEV_APP_KEY', '"other-app"', 'my-dev-app.<secret>');
    expect(result.stderr).not.toContain('0123456789abcdefghij');
  });

  it('refuses an invalid dev app id and a LIVENESS_* setting that is not a number', async () => {
    expectOneLine(await start(['--port', '0'], { LIVENESS_DEV_APP_ID: 'x' }), 'LIVENESS_DEV_APP_ID');
    expectOneLine(await start(['--port', '0'], { LIVENESS_MAX_BODY_BYTES: 'lots' }), 'LIVENESS_MAX_BODY_BYTES', '"lots"');
  });

  it('says the port is taken, in one line, with gateway workers (a worker that cannot listen used to hang start)', async () => {
    taken = createServer();
    await new Promise<void>((done) => taken!.listen(0, '127.0.0.1', () => done()));
    const { port } = taken.address() as AddressInfo;
    expectOneLine(await start(['--port', String(port), '--workers', '1']), 'could not start', 'EADDRINUSE');
  }, 120_000);
});
