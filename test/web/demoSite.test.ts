import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/commons/config.js';
import { dynamoDbClient } from '../../functions/commons/clients.js';
import { ILLUMINATION_CRITERIA } from '../../functions/liveness/quality/config.js';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.js';

describe('the local demo site: component, ORT files, model and a session route, beside the API', () => {
  let stack: LocalStack;
  const devKey = `demo-test.${'d'.repeat(32)}`;
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    stack = await startLocalStack({ port: 0, demo: true, devApp: { appId: 'demo-test', key: devKey } });
  });
  afterAll(async () => stack?.stop());

  it('serves the demo page, the component modules, the wasm build of onnxruntime-web and fr_detect.onnx with their types', async () => {
    const expected: [string, RegExp][] = [
      ['/demo/', /^text\/html/],
      ['/demo/demo.js', /^text\/javascript/],
      ['/web/liveness-capture.js', /^text\/javascript/],
      ['/web/face-detector.js', /^text\/javascript/],
      ['/web/illumination.json', /^application\/json/],
      ['/vendor/onnxruntime-web/ort.wasm.min.mjs', /^text\/javascript/],
      ['/vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm', /^application\/wasm/],
      ['/models/fr_detect.onnx', /^application\/octet-stream/],
    ];
    for (const [path, type] of expected) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${stack.url}/demo`, { redirect: 'manual' })).headers.get('location')).toBe('/demo/');
    // The component judges lighting by the very criteria the server's quality stage reads.
    expect(await (await fetch(`${stack.url}/web/illumination.json`)).json()).toEqual(ILLUMINATION_CRITERIA);
  });

  it('serves nothing outside its folders: traversal, other models and unknown files get the API 404', async () => {
    for (const path of ['/web/..%2fpackage.json', '/web/%2e%2e/package.json', '/demo/../package.json', '/models/fr_liveness.onnx', '/vendor/onnxruntime-web/../package.json', '/web/nope.js', '/.local/endpoints.json']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status, path).toBe(404);
      expect((await res.json()).result.reason, path).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('issues a capture session for the dev app without the key ever reaching the page, and allows the page origin', async () => {
    const res = await fetch(`${stack.url}/demo/session`, { method: 'POST' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(devKey);
    const { sessionToken } = JSON.parse(text);
    expect(sessionToken).toMatch(/^lst_/);
    const config = loadConfig();
    const { Items } = await dynamoDbClient(config).send(new ScanCommand({ TableName: config.tables.apps }));
    expect(Items!.find((a) => a.appId === 'demo-test')!.allowedOrigins).toEqual([new URL(stack.url).origin]);
    // The token works from that origin, once.
    const check = () =>
      fetch(`${stack.url}/v1/checkLiveness`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessionToken}`, origin: new URL(stack.url).origin },
        body: new FormData(),
      });
    expect((await check()).status).toBe(400);
    expect((await check()).status).toBe(403);
  });

  it('believes no forged Host (DNS rebinding): no origin is added and no token given; a malformed Host is a 400', async () => {
    const { port } = new URL(stack.url);
    const appsBefore = await allowedOrigins();
    const forged = [`evil.example:${port}`, `rebind.attacker.test:${port}`, '127.0.0.1:1', `localhost.evil.example:${port}`];
    for (const host of forged) {
      const res = await rawPost('/demo/session', { host });
      expect(res.status, host).toBe(403);
      expect(res.body, host).not.toContain('lst_');
    }
    // A page of another origin, even on a loopback Host, gets nothing either.
    const crossPage = await rawPost('/demo/session', { host: `127.0.0.1:${port}`, origin: 'http://evil.example' });
    expect(crossPage.status).toBe(403);
    for (const host of ['[::1', 'a b', `user@127.0.0.1:${port}`, `127.0.0.1:${port}/path`]) {
      const res = await rawPost('/demo/session', { host });
      expect(res.status, host).toBe(400);
      expect(res.body, host).not.toContain('lst_');
    }
    expect(await allowedOrigins()).toEqual(appsBefore);
    // The page on localhost (same machine, same port) still gets one.
    const own = await rawPost('/demo/session', { host: `localhost:${port}` });
    expect(own.status, JSON.stringify(own)).toBe(200);
    expect(own.body).toMatch(/"sessionToken":"lst_[^"]+".*"transactionId":"demo-/);
  });

  const allowedOrigins = async () => {
    const config = loadConfig();
    const { Items } = await dynamoDbClient(config).send(new ScanCommand({ TableName: config.tables.apps }));
    return Items!.find((a) => a.appId === 'demo-test')!.allowedOrigins as string[];
  };

  /** A POST with headers exactly as given (fetch does not let a caller choose Host). */
  const rawPost = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      const { port } = new URL(stack.url);
      const socket = connect(Number(port), '127.0.0.1', () => {
        const lines = [`POST ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'content-length: 0', 'connection: close', '', ''];
        socket.write(lines.join('\r\n'));
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', fail);
      socket.on('close', () => done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    });
});
