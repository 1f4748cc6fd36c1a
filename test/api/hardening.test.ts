import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, nextTransactionId, selfie640, send, startApiStack } from './apiStack.js';

const MAX_BODY = 1_000_000;

/** One raw HTTP/1.1 exchange on a fresh socket: what Node's clients would refuse to send. */
function rawHttp(url: string, text: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

const jsonOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('hardening: malformed requests are answered, in our envelope, and never end the process', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  let url: string;
  beforeAll(async () => {
    api = await startApiStack({ LIVENESS_MAX_BODY_BYTES: String(MAX_BODY) });
    headers = (await api.createApp('standard')).headers;
    url = `${api.stack.url}/v1/checkLiveness`;
  });
  afterAll(async () => api?.stop());

  const post = (body: string | Buffer, contentType: string, extra: Record<string, string> = {}) =>
    send(url, { method: 'POST', headers: { ...headers, transactionId: nextTransactionId('hard'), 'content-type': contentType, ...extra }, body });

  it("answers the issue's two process-killing bodies with 400 and a reason, and keeps serving", async () => {
    const truncated = await post('--BRK\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nAAAA', 'multipart/form-data; boundary=BRK');
    expect([truncated.status, truncated.body.result.reason]).toEqual([400, 'MULTIPART_TRUNCATED']);
    const nameless = await post('--BRK\r\nContent-Disposition: form-data; filename="a.jpg"\r\n\r\nAAAA\r\n--BRK--\r\n', 'multipart/form-data; boundary=BRK');
    expect([nameless.status, nameless.body.result.reason]).toEqual([400, 'MISSING_PART_NAME']);
    expect((await send(`${api.stack.url}/v1/health`, {})).status).toBe(200);
  });

  it('answers (and logs once) the bodies that used to hang: several files, a headerless 16 KB part, huge and many part headers', async () => {
    const files = Array.from({ length: 10 }, (_, i) => `--B\r\nContent-Disposition: form-data; name="image${i + 1}"; filename="${i}.jpg"\r\n\r\n${'x'.repeat(50_000)}\r\n`).join('') + '--B--\r\n';
    const cases: [string, string][] = [
      [files, 'TOO_MANY_FILES'],
      [`--B\r\n${'A'.repeat(17_000)}\r\n--B--\r\n`, 'PART_HEADERS_TOO_LARGE'],
      [`--B\r\nContent-Disposition: form-data; name="a"\r\nX: ${'h'.repeat(100_000)}\r\n\r\nv\r\n--B--\r\n`, 'PART_HEADERS_TOO_LARGE'],
      [`--B\r\nContent-Disposition: form-data; name="a"\r\n${'X-a: b\r\n'.repeat(500)}\r\nv\r\n--B--\r\n`, 'TOO_MANY_PART_HEADERS'],
    ];
    const answers = await Promise.all(cases.map(([body]) => post(body, 'multipart/form-data; boundary=B')));
    expect(answers.map((a) => [a.status, a.body.result.reason])).toEqual(cases.map(([, reason]) => [400, reason]));
    const { Items = [] } = await api.db.send(new ScanCommand({ TableName: api.config.tables.transactionLog }));
    for (const a of answers) expect(Items.filter((i) => i.requestId === a.body.metadata.requestId)).toHaveLength(1);
  });

  it('matches Content-Type case-insensitively: Application/JSON and MULTIPART/FORM-DATA are read', async () => {
    const selfie = await selfie640(1);
    const json = await post(JSON.stringify({ image: selfie.toString('base64') }), 'Application/JSON');
    expect(json.status).toBe(200);
    const boundary = 'CaseTest';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="s.jpg"\r\n\r\n`),
      selfie,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const multipart = await post(form, `MULTIPART/FORM-DATA; BOUNDARY=${boundary}`);
    expect(multipart.status).toBe(200);
  });

  it('reports the real size of a decompression bomb (not "0x0 pixels") with 413', async () => {
    const bomb = await sharp({ create: { width: 12_000, height: 12_000, channels: 3, background: '#777' }, limitInputPixels: false }).png().toBuffer();
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const res = await post(JSON.stringify({ image: bomb.toString('base64') }), 'application/json');
    expect(res.status).toBe(413);
    expect(res.body.result.reason).toBe('IMAGE_TOO_LARGE');
    expect(res.body.result.message).toContain('12000x12000 pixels');
  });

  it('decodes non-ASCII header values as UTF-8 (the transactionId echoed back)', async () => {
    const transactionId = `José-€-${Date.now()}`;
    const raw = await new Promise<string>((resolve, reject) => {
      // Node's clients only send latin1 strings: pass the UTF-8 bytes as such.
      const req = request(url, { method: 'POST', headers: { ...headers, transactionId: Buffer.from(transactionId, 'utf8').toString('latin1'), 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      // A Buffer: a string body would be sent with the headers in one UTF-8 write, encoding them twice.
      req.end(Buffer.from('{"image": "not an image"}'));
    });
    expect(JSON.parse(raw).metadata.transactionId).toBe(transactionId);
  });

  it('answers 431 and malformed HTTP in our JSON envelope, not bare', async () => {
    const big = await rawHttp(url, `POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(jsonOf(big)).toMatchObject({ status: 'failure', statusCode: 431, result: { reason: 'HEADERS_TOO_LARGE' } });
    const garbage = await rawHttp(url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(jsonOf(garbage)).toMatchObject({ status: 'failure', statusCode: 400, result: { reason: 'MALFORMED_HTTP' } });
    const badLength = await rawHttp(url, 'POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(jsonOf(badLength).statusCode).toBe(400);
    expect((await send(`${api.stack.url}/v1/health`, {})).status).toBe(200);
  });

  it('gives a streaming client that sends too much the 413, not a connection reset (chunked and declared length)', async () => {
    const stream = (declared: boolean) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const total = 4 * MAX_BODY - 1;
        const req = request(
          url,
          {
            method: 'POST',
            headers: { ...headers, transactionId: 'stream', 'content-type': 'application/json', ...(declared ? { 'content-length': String(total) } : {}) },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
            sent += piece.length;
            if (!req.write(piece)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    for (const declared of [false, true]) {
      const res = await stream(declared);
      expect(res.status).toBe(413);
      expect(res.body.result.reason).toBe('BODY_TOO_LARGE');
    }
  });

  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(!outside)('keeps DynamoDB Local and the S3 server on loopback: refused on a non-loopback address', async () => {
    const refused = (port: number, host: string) =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, host);
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
    for (const endpoint of [api.stack.dynamoDbEndpoint, api.stack.s3Endpoint]) {
      const port = Number(new URL(endpoint).port);
      expect(await refused(port, '127.0.0.1')).toBe(false);
      expect(await refused(port, outside!)).toBe(true);
    }
  });
  if (!outside) console.log('skipped the loopback-binding check: this machine has no non-loopback IPv4 address to try');
});
