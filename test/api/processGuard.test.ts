import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('the process guard of the local gateway: a fault answers 500 instead of ending the process', () => {
  let child: ChildProcess;
  let url: string;
  let stderr = '';
  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'test/api/fixtures/faultyGateway.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /listening (\d+)/.exec(d.toString());
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited ${code}: ${stderr}`)));
    });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it.each([
    ['an exception thrown in a timer', 'throw', 'uncaughtException'],
    ['a rejection nobody awaits', 'reject', 'unhandledRejection'],
    ["an 'error' event nobody listens to (the multipart parser's crash)", 'emitter', 'uncaughtException'],
  ])('%s: that request gets our 500 envelope, the log names the fault without a stack, the server goes on', async (_what, route, kind) => {
    const res = await fetch(`${url}/fault/${route}`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { status: string; result: { reason: string }; metadata: { requestId: string } };
    expect(body).toMatchObject({ status: 'failure', statusCode: 500, result: { reason: 'SERVER_ERROR', error: 'Internal Server Error' } });
    // stderr is a pipe read apart from the socket: the line may land just after the answer.
    const lines = () => stderr.split('\n').filter((line) => line.includes(body.metadata.requestId));
    for (let i = 0; i < 100 && lines().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'ERROR', message: `process guard: ${kind}` });
    expect(stderr).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${url}/fault/ok`, { method: 'POST' })).status).toBe(200);
  });

  it('a client that stops sending its body gets 408 REQUEST_TIMEOUT in our envelope', async () => {
    const { port } = new URL(url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /fault/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"reason":"REQUEST_TIMEOUT"');
  });

  it('a handler that never answers gets 503 FUNCTION_TIMEOUT from the gateway deadline', async () => {
    const res = await fetch(`${url}/fault/hang`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { result: { reason: string } }).result.reason).toBe('FUNCTION_TIMEOUT');
    expect((await fetch(`${url}/fault/ok`, { method: 'POST' })).status).toBe(200);
  });
});
