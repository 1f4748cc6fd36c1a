/**
 * `npm run bench:cold`: cold start of the built checkLiveness Lambda. Synthesises (or reuses) the
 * bundle exactly as deployed, then N times starts a fresh node process that sees the layers only at
 * /opt (private mount namespace, as Lambda mounts them), pinned to one core, loads the bundle and
 * answers one real checkLiveness event (face-api's sample1.jpg, multipart) against DynamoDB Local
 * and s3rver. Prints the split (launch, node start, module import, model load, first request),
 * medians and p95. Figures depend on the machine and its load; nothing here asserts a speed.
 */
import { readFileSync } from 'node:fs';
import { loadAverage, summarise } from './benchSupport.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../functions/commons/config.js';
import { startLocalStack } from './local/stack.js';
import { apiGatewayEvent, builtFunction, canIsolate, localStackEnvironment, multipartBody, startLambdaProcess } from './local/lambdaProcess.js';

const program = new Command('bench:cold')
  .option('--runs <n>', 'fresh processes to start', '5')
  .option('--rebuild', 'synthesise the bundle again even when no source changed', false)
  .option('--all-cores', 'do not pin the process to CPU 0', false)
  .option('--bundle <dir>', 'run this built checkLiveness asset folder instead (e.g. a copy kept from another commit)')
  .parse();
const opts = program.opts<{ runs: string; rebuild: boolean; allCores: boolean; bundle?: string }>();
const runs = Number(opts.runs);

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Ready {
  timeOrigin: number;
  nodeStarted: number;
  importStarted: number;
  imported: number;
  requires: Record<string, number>;
}
interface Answer {
  statusCode?: number;
  body?: string;
  error?: string;
  startedAt: number;
  answeredAt: number;
  sessions: { model: string; startedAt: number; readyAt: number }[];
  memory: { maxRss: number; vmHwm?: number };
}

/** The phases of one cold start, in ms. */
interface ColdStart {
  launch: number;
  nodeStart: number;
  import: number;
  importOrt: number;
  importSharp: number;
  modelLoad: number;
  firstRequest: number;
  init: number;
  firstAnswer: number;
  /** The same request again in the same process: what a warm invocation costs. */
  secondRequest: number;
  maxRssMiB: number;
  models: string[];
}

const sample = createRequire(import.meta.url).resolve('@vladmandic/face-api/demo/sample1.jpg');

async function main(): Promise<void> {
  console.log(`bench:cold, load average before: ${loadAverage()}`);
  const synthStarted = performance.now();
  const built = await builtFunction('checkLiveness', { rebuild: opts.rebuild });
  const fn = opts.bundle ? { ...built, bundleDir: opts.bundle } : built;
  console.log(`bundle: ${join(fn.bundleDir, 'index.js')} (${(readFileSync(join(fn.bundleDir, 'index.js')).length / 1024).toFixed(0)} KiB), ${opts.bundle ? 'given with --bundle' : fn.reused ? 'reused (no source changed)' : `synthesised in ${((performance.now() - synthStarted) / 1000).toFixed(1)} s`}`);
  const isolation = canIsolate();
  if (!isolation.ok) console.log(`FALLBACK: ${isolation.reason}; the bundle runs with NODE_PATH at the layer folders instead of /opt`);

  const local = await startLocalStack({ port: 0, devApp: { appId: 'bench-cold', plan: 'enterprise' } });
  try {
    const config = loadConfig();
    const env = localStackEnvironment(config, local);
    const form = multipartBody([{ field: 'image', bytes: readFileSync(sample), type: 'image/jpeg' }]);
    const results: ColdStart[] = [];
    let how = '';
    for (let run = 1; run <= runs; run++) {
      const event = (n: number) =>
        JSON.stringify(
          apiGatewayEvent('POST', '/v1/checkLiveness', {
            'content-type': form.contentType,
            appId: local.devApp!.appId,
            appKey: local.devApp!.appKey,
            transactionId: `bench-cold-${Date.now()}-${run}-${n}`,
          }, form.body),
        );
      const spawnedAt = performance.timeOrigin + performance.now();
      const started = startLambdaProcess({
        fn,
        runner: join(import.meta.dirname, 'local/lambdaRunner.cjs'),
        env,
        oneCore: !opts.allCores,
        isolate: isolation.ok,
      });
      how = started.how;
      const result = await coldStart(started.child, [event(1), event(2)], spawnedAt);
      results.push(result);
      console.log(
        `run ${run}: first answer ${result.firstAnswer.toFixed(0)} ms after node started (launch ${result.launch.toFixed(0)}, node ${result.nodeStart.toFixed(0)}, import ${result.import.toFixed(0)}, models ${result.modelLoad.toFixed(0)}, request ${result.firstRequest.toFixed(0)}; warm ${result.secondRequest.toFixed(0)}), peak RSS ${result.maxRssMiB.toFixed(0)} MiB, load ${loadAverage()}`,
      );
    }
    console.log(`\nchild process: ${how}`);
    console.log(`models created before the first answer: ${results[0]!.models.join(', ')}`);
    console.log(`\n${runs} cold starts of the built checkLiveness, ms       median      p95`);
    const row = (label: string, pick: (r: ColdStart) => number) => {
      const s = summarise(results.map(pick));
      console.log(`  ${label.padEnd(44)}${s.median.toFixed(0).padStart(8)} ${s.p95.toFixed(0).padStart(8)}`);
    };
    row('launch (spawn → node process exists)', (r) => r.launch);
    row('node start (→ runner runs)', (r) => r.nodeStart);
    row('module import (require the bundle)', (r) => r.import);
    row('  of which require onnxruntime-node', (r) => r.importOrt);
    row('  of which require sharp', (r) => r.importSharp);
    row('model load (import → sessions ready)', (r) => r.modelLoad);
    row('first request (sessions ready → answer)', (r) => r.firstRequest);
    row('init (node start → sessions ready)', (r) => r.init);
    row('first answer (node start → answer)', (r) => r.firstAnswer);
    row('first answer incl. launch', (r) => r.launch + r.firstAnswer);
    row('second request, same process (warm)', (r) => r.secondRequest);
    const rss = summarise(results.map((r) => r.maxRssMiB));
    console.log(`  peak RSS (VmHWM) after two answers: median ${rss.median.toFixed(0)} MiB, max ${Math.max(...results.map((r) => r.maxRssMiB)).toFixed(0)} MiB`);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await local.stop();
  }
}

/** Waits for the child to load the bundle, sends the first event (then the second), and reads the phases from the replies. */
function coldStart(child: import('node:child_process').ChildProcess, events: readonly [string, string], spawnedAt: number): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stdout!.resume(); // the function's own logs: drained, not shown
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let ready: Ready | undefined;
    let first: Answer | undefined;
    child.on('message', (message: { type?: string; id?: number } & Partial<Ready> & Partial<Answer>) => {
      if (message.type === 'ready') {
        ready = message as Ready;
        child.send({ type: 'invoke', id: 1, event: events[0] });
        return;
      }
      const reply = message as Answer;
      if (reply.error || reply.statusCode !== 200) {
        child.send({ type: 'exit' });
        reject(new Error(`request ${message.id} failed: ${reply.error ?? `${reply.statusCode} ${reply.body}`}`));
        return;
      }
      if (message.id === 1) {
        first = reply;
        child.send({ type: 'invoke', id: 2, event: events[1] });
        return;
      }
      child.send({ type: 'exit' });
      const answer = first!;
      const r = ready!;
      const modelsReady = Math.max(r.imported, ...answer.sessions.filter((s) => s.startedAt < answer.startedAt).map((s) => s.readyAt));
      resolve({
        launch: r.timeOrigin - spawnedAt,
        nodeStart: r.nodeStarted,
        import: r.imported - r.importStarted,
        importOrt: r.requires['onnxruntime-node'] ?? 0,
        importSharp: r.requires.sharp ?? 0,
        modelLoad: modelsReady - r.imported,
        firstRequest: answer.answeredAt - modelsReady,
        init: modelsReady,
        firstAnswer: answer.answeredAt,
        secondRequest: reply.answeredAt - reply.startedAt,
        maxRssMiB: (reply.memory.vmHwm ?? reply.memory.maxRss) / 2 ** 20,
        models: answer.sessions.map((s) => s.model),
      });
    });
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`the Lambda process exited (${code}) before loading the bundle: ${stderr.split("\n").filter((l) => l.length < 400).slice(-15).join("\n")}`));
    });
  });
}

await main();
