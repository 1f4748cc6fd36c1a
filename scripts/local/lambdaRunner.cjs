// Runs in the Lambda-like child (scripts/local/lambdaProcess.ts): loads a built bundle as Lambda's
// Node.js runtime would (require, NODE_PATH), then answers events sent over IPC, reporting timings
// and memory. CommonJS and dependency-free: it must run where only /opt and the bundle exist.
// Usage: node lambdaRunner.cjs <bundle/index.js>
const nodeStarted = performance.now(); // ms since this process started (performance.timeOrigin)
const Module = require('node:module');
const { basename } = require('node:path');
const { readFileSync } = require('node:fs');

// Times the native modules' first require and each ONNX session's creation, without touching the bundle.
const requires = {};
const sessions = [];
const load = Module._load;
Module._load = function timedLoad(request, ...rest) {
  if ((request === 'onnxruntime-node' || request === 'sharp') && !(request in requires)) {
    const started = performance.now();
    const loaded = load.call(this, request, ...rest);
    requires[request] = performance.now() - started;
    if (request === 'onnxruntime-node') {
      const create = loaded.InferenceSession.create.bind(loaded.InferenceSession);
      loaded.InferenceSession.create = async (path, ...args) => {
        const started = performance.now();
        const session = await create(path, ...args);
        sessions.push({ model: typeof path === 'string' ? basename(path) : 'buffer', startedAt: started, readyAt: performance.now() });
        return session;
      };
    }
    return loaded;
  }
  return load.call(this, request, ...rest);
};

// Peak RSS of this address space (VmHWM): getrusage's maxRSS also counts the parent's pages this
// process had between fork and exec, which can exceed node's own peak early on.
const peakOfThisProcess = () => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
};
const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024, vmHwm: peakOfThisProcess() };
};

const importStarted = performance.now();
const { handler } = require(process.argv[2]);
const imported = performance.now();
let invocations = 0;
const context = () => ({
  awsRequestId: `runner-${process.pid}-${++invocations}`,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function',
  getRemainingTimeInMillis: () => 29_000,
});

process.on('message', async (message) => {
  if (message.type === 'invoke') {
    const started = performance.now();
    let reply;
    try {
      // The runtime receives the event as JSON text and parses it, as here.
      const result = await handler(JSON.parse(message.event), context());
      reply = { statusCode: result.statusCode, body: result.body };
    } catch (error) {
      reply = { error: String((error && error.stack) || error) };
    }
    const answeredAt = performance.now();
    // Sessions made so far: those of init finish after require returns (ort creates them from setImmediate).
    process.send({ id: message.id, ...reply, startedAt: started, answeredAt, sessions, memory: memory() });
  } else if (message.type === 'gc') {
    if (global.gc) {
      global.gc();
      global.gc();
    }
    process.send({ id: message.id, gc: Boolean(global.gc), memory: memory() });
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});

process.send({
  type: 'ready',
  timeOrigin: performance.timeOrigin,
  nodeStarted,
  importStarted,
  imported,
  requires,
  sessions,
  memory: memory(),
});
