import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selfie640 } from './apiStack.js';

const root = join(import.meta.dirname, '../..');
const appId = 'ctrl-c-test';
const appKey = `${appId}.0123456789abcdefghijklmnop`;
const headers = { appId, appKey };

/**
 * `npm start` in a process group of its own, as a terminal runs it in the foreground: Ctrl-C there is
 * SIGINT to the whole group (npm, node, the gateway workers and, before the fix, DynamoDB Local's Java).
 */
function npmStart(dataDir: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn('npm', ['start', '--silent', '--', '--port', '0', '--workers', '2', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    env: { ...process.env, LIVENESS_DEV_APP_ID: appId, LIVENESS_DEV_APP_KEY: appKey, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const found = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found && output.includes('Ctrl-C stops everything')) resolve(found[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${output}`)));
  });
  return { child, url };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

interface Answer {
  readonly transactionId: string;
  readonly status?: number;
  readonly body?: { metadata?: { requestId?: string }; result?: { reason?: string } };
  readonly error?: string;
}

describe('Ctrl-C on npm start loses nothing answered', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveness-ctrl-c-'));
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await exited(child);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every merged check in flight (no 500), and each has exactly one log record after a restart on the same data dir', async () => {
    const first = npmStart(dataDir);
    started.push(first.child);
    const url = await first.url;
    const { dynamoDbEndpoint } = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as { dynamoDbEndpoint: string };
    const image = await selfie640();

    let interrupted = false;
    const checks = Array.from({ length: 16 }, async (_, i): Promise<Answer> => {
      const transactionId = `ctrl-c-${i}`;
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'selfie.jpg');
      form.append('livenessMethod', 'merged');
      try {
        const res = await fetch(`${url}/v1/checkLiveness`, { method: 'POST', headers: { ...headers, transactionId }, body: form });
        const answer = { transactionId, status: res.status, body: (await res.json()) as Answer['body'] };
        // Ctrl-C as soon as the first check is answered: the other fifteen are in flight.
        if (!interrupted) {
          interrupted = true;
          process.kill(-first.child.pid!, 'SIGINT');
        }
        return answer;
      } catch (error) {
        return { transactionId, error: String((error as Error).cause ?? error) };
      }
    });
    const answers = await Promise.all(checks);
    await exited(first.child);
    expect(interrupted).toBe(true);

    // Stopped, all of it (DynamoDB Local last).
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
    await expect(fetch(dynamoDbEndpoint)).rejects.toThrow();

    // Every request was answered: a check that reached its function with its result, none with a 500.
    expect(answers.filter((a) => a.error), JSON.stringify(answers)).toEqual([]);
    expect(answers.filter((a) => a.status! >= 500 && a.body?.result?.reason !== 'SHUTTING_DOWN'), JSON.stringify(answers)).toEqual([]);
    const checked = answers.filter((a) => a.status === 200);
    console.log(`ctrl-c: ${checked.length} of 16 checks answered 200, ${answers.length - checked.length} refused 503 SHUTTING_DOWN`);
    expect(checked.length).toBeGreaterThan(1);

    const second = npmStart(dataDir);
    started.push(second.child);
    const again = await second.url;
    for (const answer of answers) {
      const res = await fetch(`${again}/v1/transactions/${answer.transactionId}`, { headers });
      const body = (await res.json()) as { result: { requests?: { requestId: string; statusCode: number }[] } };
      if (answer.status === 200) {
        // Exactly one record, the one of the answer the client got.
        expect(res.status, answer.transactionId).toBe(200);
        expect(body.result.requests!.map((r) => [r.requestId, r.statusCode])).toEqual([[answer.body!.metadata!.requestId, 200]]);
      } else {
        // Refused before any function ran (503 SHUTTING_DOWN): nothing was checked, nothing logged.
        expect(answer.body?.result?.reason).toBe('SHUTTING_DOWN');
        expect(res.status, answer.transactionId).toBe(404);
      }
    }
    process.kill(-second.child.pid!, 'SIGINT');
    await exited(second.child);
  }, 300_000);
});
