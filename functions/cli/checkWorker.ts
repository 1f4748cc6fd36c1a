// A worker thread of `liveness check --threads n`: its own engine and models, the same checks as the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { LivenessEngine } from '../liveness/engine.js';
import { type CheckFlags, engineLane } from './check.js';

const port = parentPort!;
const engine = new LivenessEngine();
const lane = engineLane(engine, (workerData as { flags: CheckFlags }).flags);
await engine.warmUp();
port.on('message', async ({ id, file }: { id: number; file: string }) => {
  port.postMessage({ id, outcome: await lane.check(file) });
});
port.postMessage({ ready: true });
