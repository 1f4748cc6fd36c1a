/**
 * `npm run bench:http`: autocannon against the local stack (same handlers as Lambda, DynamoDB Local,
 * s3rver) with a 640x480 selfie JPEG made from a real photo. Prints requests/s, p50/p99 latency
 * and errors per concurrency. Figures depend on the machine; nothing here asserts a speed.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Command } from 'commander';
import sharp from 'sharp';
import { AppAdmin } from '../functions/commons/appAdmin.js';
import { dynamoDbClient } from '../functions/commons/clients.js';
import { loadConfig } from '../functions/commons/config.js';
import { DynamoDbAppStore } from '../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { startLocalStack } from './local/stack.js';

const program = new Command('bench:http')
  .option('--duration <s>', 'seconds per concurrency level', '10')
  .option('--concurrency <list>', 'comma-separated connection counts', '1,4,16,64')
  .option('--workers <n>', 'gateway worker processes (0: serve from this process)', String(availableParallelism()))
  .option('--crop', 'ask for returnCroppedImageURL=yes (adds an S3 put + presign)', false)
  .parse();
const opts = program.opts<{ duration: string; concurrency: string; crop: boolean; workers: string }>();
const duration = Number(opts.duration);
const levels = opts.concurrency.split(',').map(Number);

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A 640x480 selfie: the most prominent face of a real photo (face-api demo sample1) with its surroundings. */
async function selfie(): Promise<Buffer> {
  const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  const photo = readFileSync(join(demo, 'sample1.jpg'));
  return sharp(photo).extract({ left: 1120, top: 29, width: 800, height: 600 }).resize(640, 480).jpeg({ quality: 90 }).toBuffer();
}

function multipartBody(image: Buffer, fields: Record<string, string>) {
  const boundary = `----bench${Date.now()}`;
  const parts = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="selfie.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    image,
    Buffer.from('\r\n'),
    ...Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
    Buffer.from(`--${boundary}--\r\n`),
  ];
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// Requests still queued when the last level ends may take a while on a busy machine: let them finish.
const stack = await startLocalStack({ port: 0, workers: Number(opts.workers), stopGraceMs: 60_000 });
try {
  const config = loadConfig();
  const admin = new AppAdmin(new DynamoDbAppStore(dynamoDbClient(config), config.tables.apps));
  const image = await selfie();
  const { body, contentType } = multipartBody(image, opts.crop ? { returnCroppedImageURL: 'yes' } : {});
  console.log(
    `bench:http  ${stack.url}/v1/checkLiveness  selfie 640x480 JPEG ${image.length} B  ${duration}s per level  ` +
      `${availableParallelism()} cores  ${stack.workers || 'no'} gateway workers  node ${process.version}${opts.crop ? '  +crop' : ''}`,
  );
  console.log('connections  req/s   p50 ms  p99 ms  max ms  2xx    non-2xx  errors');
  const rates: { connections: number; rate: number; p99: number }[] = [];
  for (const connections of levels) {
    // A fresh enterprise app per level, so the per-minute limit (600) is not what is measured.
    const appId = `bench-${connections}-${Date.now()}`;
    const { key } = await admin.create(appId, { plan: 'enterprise' });
    const headers = { appId, appKey: key, transactionId: `bench-${connections}`, 'content-type': contentType };
    // Warm-up (models, connections) outside the measured window.
    await autocannon({ url: `${stack.url}/v1/checkLiveness`, method: 'POST', headers, body, connections, duration: 1 });
    const r = await autocannon({ url: `${stack.url}/v1/checkLiveness`, method: 'POST', headers, body, connections, duration, timeout: 30 });
    console.log(
      `${String(connections).padStart(11)}  ${r.requests.average.toFixed(1).padStart(5)}  ${String(r.latency.p50).padStart(6)}  ` +
        `${String(r.latency.p99).padStart(6)}  ${String(r.latency.max).padStart(6)}  ${String(r['2xx']).padStart(5)}  ` +
        `${String(r.non2xx).padStart(7)}  ${String(r.errors + r.timeouts).padStart(6)}`,
    );
    rates.push({ connections, rate: r.requests.average, p99: r.latency.p99 });
  }
  // The knee: the fewest connections that reach 90% of the best throughput; past it, only latency grows.
  const best = Math.max(...rates.map((r) => r.rate));
  const knee = rates.find((r) => r.rate >= 0.9 * best);
  if (knee) console.log(`knee: ${knee.connections} connections (${knee.rate.toFixed(1)} req/s, p99 ${knee.p99} ms; best ${best.toFixed(1)} req/s)`);
} finally {
  await stack.stop();
}
