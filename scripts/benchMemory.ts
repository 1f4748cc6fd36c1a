/**
 * `npm run bench:memory`: memory of ONE warm Lambda-style process (the built checkLiveness bundle,
 * layers at /opt, as bench:cold runs it, with --expose-gc) serving a mix of requests like the test
 * suite's: JPEG/PNG/WebP/BMP from 320x240 to 4032x3024, multipart and JSON base64, merged bursts of
 * 1 to 8 frames, quality checks, attributes and crops, and bad inputs (truncated, not an image,
 * decompression bombs, too many frames, bad options). Against DynamoDB Local and s3rver. Prints,
 * after each phase and after a forced GC, RSS, heapUsed, external and arrayBuffers, and the peak RSS
 * (getrusage maxRSS): decoded pixels kept after a request would show as growth round after round.
 * Figures depend on the machine; nothing here asserts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadAverage } from './benchSupport.js';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Command } from 'commander';
import sharp from 'sharp';
import { AppAdmin } from '../functions/commons/appAdmin.js';
import { dynamoDbClient } from '../functions/commons/clients.js';
import { loadConfig } from '../functions/commons/config.js';
import { DynamoDbAppStore } from '../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { QUALITY_CHECK_NAMES } from '../functions/liveness/quality/types.js';
import { asBmp, imageSet } from '../test/api/fuzzCorpus.js';
import { startLocalStack } from './local/stack.js';
import { apiGatewayEvent, builtFunction, canIsolate, localStackEnvironment, multipartBody, startLambdaProcess } from './local/lambdaProcess.js';

const program = new Command('bench:memory')
  .option('--rounds <n>', 'times the whole mix is served (growth from round to round = retained memory)', '4')
  .option('--rebuild', 'synthesise the bundle again even when no source changed', false)
  .option('--bundle <dir>', 'run this built checkLiveness asset folder instead')
  .option('--node-options <flags>', 'extra node flags for the Lambda process, e.g. "--max-semi-space-size=4"', '')
  .option('--env <KEY=VALUE...>', "override the function's environment, e.g. MALLOC_ARENA_MAX=8 (glibc's default here)", [])
  .parse();
const opts = program.opts<{ rounds: string; rebuild: boolean; bundle?: string; nodeOptions: string; env: string[] }>();
if (opts.env.some((pair) => !pair.includes('='))) throw new Error('--env takes KEY=VALUE pairs');
const rounds = Number(opts.rounds);

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const MiB = (bytes: number) => (bytes / 2 ** 20).toFixed(1).padStart(7);

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** getrusage maxRSS (process.resourceUsage().maxRSS), in bytes. */
  maxRss: number;
  /** Peak RSS of the process's own address space (/proc/self/status VmHWM), when readable. */
  vmHwm?: number;
}
/** One request of the mix: how it is sent, and the status it should get. */
interface Case {
  readonly label: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
  readonly expect: number;
}

const demoDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const photo = (n: number) => readFileSync(join(demoDir, `sample${n}.jpg`));

/** A 4:3 window around the most prominent face of face-api's sample1, at any size. */
const selfie = (width: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg') => {
  const image = sharp(photo(1)).extract({ left: 1120, top: 29, width: 800, height: 600 }).resize(width, Math.round((width * 3) / 4));
  return (format === 'png' ? image.png() : format === 'webp' ? image.webp({ quality: 85 }) : image.jpeg({ quality: 90 })).toBuffer();
};

/** A burst of `count` 640x480 frames: the same scene shifted a few pixels per frame. */
async function burst(count: number): Promise<Buffer[]> {
  const base = await sharp(photo(1)).extract({ left: 1120, top: 29, width: 800, height: 600 }).resize(700, 525).toBuffer();
  return Promise.all(Array.from({ length: count }, (_, i) => sharp(base).extract({ left: 7 * i, top: 5 * i, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer()));
}

const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', bmp: 'image/bmp' };

/** The phases of the mix, each a list of requests. */
async function requestMix(): Promise<{ phase: string; cases: Case[] }[]> {
  const json = (body: unknown, expect = 200, label = 'json'): Case => ({ label, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), expect });
  const form = (images: { field: string; bytes: Buffer; type: string }[], fields: Record<string, string> = {}, expect = 200, label = 'multipart'): Case => {
    const { body, contentType } = multipartBody(images, fields);
    return { label, headers: { 'content-type': contentType }, body, expect };
  };
  const b64 = (b: Buffer) => b.toString('base64');
  const one = (bytes: Buffer, type = 'image/jpeg') => [{ field: 'image', bytes, type }];

  const [jpeg640, jpeg1920, jpeg4032, png640, png1280, webp640, webp1920] = await Promise.all([
    selfie(640), selfie(1920), selfie(4032), selfie(640, 'png'), selfie(1280, 'png'), selfie(640, 'webp'), selfie(1920, 'webp'),
  ]);
  const bmp640 = await asBmp(jpeg640);
  const small = await imageSet(jpeg640);
  const others = await Promise.all([2, 3, 4, 5, 6].map((n) => sharp(photo(n)).resize(1280).jpeg({ quality: 88 }).toBuffer()));
  const frames = await burst(8);
  const allChecks = Object.fromEntries(QUALITY_CHECK_NAMES.map((name) => [name, 'yes']));
  const flatChecks = Object.fromEntries(QUALITY_CHECK_NAMES.map((name) => [`qualityChecks.${name}`, 'yes']));

  return [
    {
      phase: 'formats and sizes',
      cases: [
        form(one(jpeg640)), form(one(jpeg1920)), form(one(jpeg4032)), json({ image: b64(jpeg4032) }),
        form(one(png640, MIME.png!)), json({ image: b64(png1280) }), form(one(webp640, MIME.webp!)), json({ image: b64(webp1920) }),
        form(one(bmp640, MIME.bmp!)), json({ image: `data:image/bmp;base64,${b64(bmp640)}` }),
        ...Object.entries(small.formats).map(([format, bytes]) => json({ image: b64(bytes) }, 200, format)),
        ...others.map((bytes) => form(one(bytes))),
      ],
    },
    {
      phase: 'quality checks, attributes, crops',
      cases: [
        form(one(jpeg640), { ...flatChecks, ageRange: 'yes', checkGender: 'yes' }),
        json({ image: b64(jpeg1920), qualityChecks: allChecks, ageRange: 'yes', checkGender: 'yes', returnCroppedImageURL: 'yes' }),
        form(one(jpeg4032), { ...flatChecks, returnCroppedImageURL: 'yes', selectionCriteria: 'HIGHEST_CONFIDENCE' }),
        json({ image: b64(png1280), qualityChecks: { blur: 'yes', eyesClosed: 'yes', headTurned: 'yes' }, checkGender: 'yes' }),
        ...others.slice(0, 2).map((bytes) => json({ image: b64(bytes), qualityChecks: allChecks, ageRange: 'yes', selectionCriteria: 'CLOSEST_TO_CENTER' })),
      ],
    },
    {
      phase: 'merged, 1 to 8 frames',
      cases: [
        ...[1, 2, 4, 8].map((n) => json({ livenessMethod: 'merged', images: frames.slice(0, n).map(b64) }, 200, `json ${n} frames`)),
        ...[3, 8].map((n) => form(frames.slice(0, n).map((bytes) => ({ field: 'frames', bytes, type: MIME.jpeg! })), { livenessMethod: 'merged' }, 200, `multipart ${n} frames`)),
        form(frames.slice(0, 5).map((bytes, i) => ({ field: i === 0 ? 'image' : `image${i + 1}`, bytes, type: MIME.jpeg! })), { livenessMethod: 'merged', ...flatChecks }, 200, 'image..image5 + checks'),
      ],
    },
    {
      phase: 'bad inputs',
      cases: [
        form(one(jpeg640.subarray(0, jpeg640.length >> 1)), {}, 400, 'truncated JPEG'),
        form(one(Buffer.from('this is not an image, just text'.repeat(40))), {}, 400, 'not an image'),
        ...Object.entries(small.bombs).map(([format, bytes]) => form(one(bytes, MIME[format]!), {}, 413, `${format} bomb`)),
        json({ image: b64(jpeg640), threshold: 'high' }, 400, 'bad option'),
        json({ livenessMethod: 'merged' }, 400, 'no image'),
        json({ livenessMethod: 'merged', images: [...frames, frames[0]!].map(b64) }, 400, '9 frames'),
        json('{"image": "', 400, 'broken JSON'),
        json({ image: 'not/base64!!' }, 400, 'bad base64'),
      ],
    },
  ];
}

async function main(): Promise<void> {
  console.log(`bench:memory, load average before: ${loadAverage()}`);
  const built = await builtFunction('checkLiveness', { rebuild: opts.rebuild });
  const fn = opts.bundle ? { ...built, bundleDir: opts.bundle } : built;
  const isolation = canIsolate();
  if (!isolation.ok) console.log(`FALLBACK: ${isolation.reason}; the bundle runs with NODE_PATH at the layer folders instead of /opt`);
  const mix = await requestMix();

  const local = await startLocalStack({ port: 0 });
  let child: ChildProcess | undefined;
  try {
    const config = loadConfig();
    // Several apps on the enterprise plan, taken in turn: the mix must not hit the per-minute limit.
    const admin = new AppAdmin(new DynamoDbAppStore(dynamoDbClient(config), config.tables.apps));
    const apps = await Promise.all([1, 2, 3, 4].map(async (n) => ({ appId: `bench-memory-${n}`, appKey: (await admin.create(`bench-memory-${n}`, { plan: 'enterprise' })).key })));
    const started = startLambdaProcess({
      fn,
      runner: join(import.meta.dirname, 'local/lambdaRunner.cjs'),
      env: {
        ...localStackEnvironment(config, local),
        ...Object.fromEntries(opts.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
      },
      nodeOptions: ['--expose-gc', ...opts.nodeOptions.split(/\s+/).filter(Boolean)],
      oneCore: false,
      isolate: isolation.ok,
    });
    child = started.child;
    console.log(`child process: ${started.how}; node flags --expose-gc ${opts.nodeOptions}; function environment: MALLOC_ARENA_MAX=${fn.environment.MALLOC_ARENA_MAX ?? '(unset)'}${opts.env.length > 0 ? `, overridden: ${opts.env.join(' ')}` : ''}`);
    const lambda = channel(child);
    const ready = (await lambda.ready) as { memory: Memory };

    console.log(`\n${'after'.padEnd(46)} ${'RSS'.padStart(7)} ${'heap'.padStart(7)} ${'extern'.padStart(7)} ${'arrBuf'.padStart(7)} ${'VmHWM'.padStart(7)} ${'maxRSS'.padStart(7)}  MiB; load`);
    const row = (label: string, m: Memory) =>
      console.log(`${label.padEnd(46)} ${MiB(m.rss)} ${MiB(m.heapUsed)} ${MiB(m.external)} ${MiB(m.arrayBuffers)} ${m.vmHwm ? MiB(m.vmHwm) : '      ?'} ${MiB(m.maxRss)}  ${loadAverage()}`);
    row('init (bundle loaded)', ready.memory);
    let invocations = 0;
    let unexpected = 0;
    const afterGc: Memory[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const { phase, cases } of mix) {
        const statuses = new Map<number, number>();
        let last: Memory | undefined;
        for (const c of cases) {
          const app = apps[invocations++ % apps.length]!;
          const event = apiGatewayEvent('POST', '/v1/checkLiveness', { ...c.headers, appId: app.appId, appKey: app.appKey, transactionId: `bench-memory-${invocations}` }, c.body);
          const reply = (await lambda.call({ type: 'invoke', event: JSON.stringify(event) })) as { statusCode?: number; body?: string; error?: string; memory: Memory };
          const status = reply.statusCode ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status !== c.expect) {
            unexpected++;
            if (round === 1) console.log(`  unexpected: ${c.label} answered ${status} (expected ${c.expect}): ${(reply.error ?? reply.body ?? '').slice(0, 200)}`);
          }
          last = reply.memory;
        }
        const counts = [...statuses].map(([s, n]) => `${n}x${s}`).join(' ');
        row(`r${round} ${phase} (${counts})`, last!);
      }
      const gc = (await lambda.call({ type: 'gc' })) as { gc: boolean; memory: Memory };
      if (!gc.gc) throw new Error('the Lambda process has no global.gc (--expose-gc was not passed)');
      afterGc.push(gc.memory);
      row(`r${round} after forced GC`, gc.memory);
    }
    const first = afterGc[0]!;
    const lastGc = afterGc.at(-1)!;
    console.log(`\n${invocations} requests over ${rounds} rounds (${unexpected} answered other than expected)`);
    console.log(`peak RSS: maxRSS ${MiB(lastGc.maxRss).trim()} MiB, VmHWM ${lastGc.vmHwm ? MiB(lastGc.vmHwm).trim() : '?'} MiB (maxRSS also counts the parent's pages between fork and exec)`);
    console.log(`after GC, round 1 → round ${rounds}: RSS ${MiB(lastGc.rss - first.rss).trim()} MiB, heapUsed ${MiB(lastGc.heapUsed - first.heapUsed).trim()} MiB, arrayBuffers ${MiB(lastGc.arrayBuffers - first.arrayBuffers).trim()} MiB, external ${MiB(lastGc.external - first.external).trim()} MiB`);
    console.log(`load average after: ${loadAverage()}`);
    await lambda.call({ type: 'exit' }).catch(() => undefined);
  } finally {
    child?.kill();
    await local.stop();
  }
}

/** Request/reply over the child's IPC channel, one message at a time. */
function channel(child: ChildProcess) {
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void } | undefined;
  let resolveReady: (m: unknown) => void;
  const ready = new Promise<unknown>((resolve) => (resolveReady = resolve));
  child.on('message', (message: { type?: string }) => {
    if (message.type === 'ready') return resolveReady(message);
    const w = waiting;
    waiting = undefined;
    w?.resolve(message);
  });
  child.on('exit', (code) => {
    const error = new Error(`the Lambda process exited (${code}): ${stderr.split('\n').filter((l) => l.length < 400).slice(-15).join('\n')}`);
    waiting?.reject(error);
    resolveReady(Promise.reject(error).catch((e: unknown) => e));
  });
  let id = 0;
  return {
    ready,
    call: (message: object) =>
      new Promise<unknown>((resolve, reject) => {
        waiting = { resolve, reject };
        if (message && (message as { type: string }).type === 'exit') {
          child.send(message);
          resolve(undefined);
          return;
        }
        child.send({ ...message, id: ++id });
      }),
  };
}

await main();
