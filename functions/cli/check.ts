import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { livenessDetails } from '../liveness/details.js';
import { LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { DEFAULT_RULES, summarize } from '../liveness/rules/index.js';
import type { AttributeName } from '../liveness/attributes/types.js';
import type { QualityCheckName } from '../liveness/quality/types.js';
import type { DecodedImage, SelectionCriteria } from '../liveness/types.js';

export interface CheckFlags {
  json?: boolean;
  threshold?: number;
  selection: SelectionCriteria;
  qualityChecks?: QualityCheckName[];
  attributes?: AttributeName[];
  quality?: 'basic' | 'full';
}

/** What `check` prints for one file, and whether it could be checked. */
export interface FileOutcome {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly failed: boolean;
}

const unreadable = (file: string) => (error: NodeJS.ErrnoException) => {
  throw Object.assign(new Error(`cannot read ${file}: ${error.code ?? error.message}`), { code: 'UNREADABLE_FILE' });
};

export function readImage(file: string): Promise<Buffer> {
  return readFile(file).catch(unreadable(file));
}

/** A file read and decoded, ready for detection; failures are kept for the file's own turn. */
export interface PreparedImage {
  readonly decoded: Promise<{ image: DecodedImage; decodeMs: number }>;
}

export function prepareImage(engine: LivenessEngine, file: string): PreparedImage {
  const decoded = readImage(file).then(async (bytes) => {
    const started = performance.now();
    const image = await engine.decode(bytes);
    return { image, decodeMs: performance.now() - started };
  });
  // Awaited on the file's turn; until then a rejection is not unhandled.
  decoded.catch(() => undefined);
  return { decoded };
}

export function errorOutcome(label: { file: string } | { files: string[] }, name: string, error: unknown, json?: boolean, what = 'this image'): FileOutcome {
  const known = isLivenessError(error) || (error as { code?: string }).code === 'UNREADABLE_FILE';
  const code = known ? String((error as { code: string }).code) : 'INTERNAL_ERROR';
  const message = known ? (error as Error).message : `unexpected error while checking ${what}`;
  return json
    ? { stdout: JSON.stringify({ ...label, error: { code, message } }), failed: true }
    : { stderr: `${name}: error ${code}: ${message}`, failed: true };
}

/** One file judged alone: the line `check` prints for it. */
export async function checkImage(engine: LivenessEngine, file: string, prepared: PreparedImage, flags: CheckFlags): Promise<FileOutcome> {
  try {
    const { image, decodeMs } = await prepared.decoded;
    const assessment = await engine.checkDecoded(image, { ...flags, qualityStatus: flags.quality }, decodeMs);
    // The action the shipped default rules give, as the API would answer it.
    const summary = summarize(assessment, DEFAULT_RULES);
    const details = { file, ...livenessDetails(assessment), qualityStatus: assessment.quality.status, summary };
    if (flags.json) return { stdout: JSON.stringify(details), failed: false };
    const { liveFace, face } = details;
    const box = face.boundingBox;
    const notAssessable = details.assessability.assessable
      ? ''
      : ` assessable=no reason=${details.assessability.reason} cropScale=${details.assessability.cropScaleAchieved.toFixed(2)}/${details.assessability.cropScaleWanted}`;
    return {
      stdout:
        `${file}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence}${notAssessable} ` +
        `faces=${face.facesDetected} box=${box.left},${box.top},${box.width}x${box.height} quality=${details.qualityStatus}` +
        (summary.action === 'pass' ? '' : ` action=${summary.action} (${summary.details.map((d) => `${d.code} ${d.message}`).join('; ')})`),
      failed: false,
    };
  } catch (error) {
    return errorOutcome({ file }, file, error, flags.json);
  }
}

export function printOutcome(outcome: FileOutcome): void {
  if (outcome.stdout !== undefined) console.log(outcome.stdout);
  if (outcome.stderr !== undefined) console.error(outcome.stderr);
}

/** Where files are checked: this thread, or a worker thread with its own engine and models. */
export interface Lane {
  check(file: string): Promise<FileOutcome>;
}

/** Files each lane has in flight: one read and decoded (libvips, on the libuv threadpool) while one is inferred. */
const IN_FLIGHT_PER_LANE = 2;
/** A worker thread costs about what checking ten images costs (imports and models): fewer files per thread are not worth one. */
const MIN_FILES_PER_THREAD = 10;

export const engineLane = (engine: LivenessEngine, flags: CheckFlags): Lane => ({
  check: (file) => checkImage(engine, file, prepareImage(engine, file), flags),
});

/** A worker thread running the same checks; it takes files only once its models are loaded. */
function workerLane(flags: CheckFlags): { lane: Lane; ready: Promise<boolean>; stop: () => Promise<number> } {
  // The worker is this module's sibling, .js when built and .ts under tsx.
  const entry = new URL(`./checkWorker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);
  const worker = new Worker(entry, { workerData: { flags } });
  const pending = new Map<number, { resolve: (o: FileOutcome) => void; reject: (e: unknown) => void }>();
  let sent = 0;
  let failed: unknown;
  const fail = (error: unknown) => {
    failed ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const ready = new Promise<boolean>((resolve) => {
    worker.on('message', (message: { ready?: true; id?: number; outcome?: FileOutcome }) => {
      if (message.ready) return resolve(true);
      const p = pending.get(message.id!);
      pending.delete(message.id!);
      p?.resolve(message.outcome!);
    });
    worker.on('error', (error) => (fail(error), resolve(false)));
    worker.on('exit', () => (fail(new Error('the worker thread stopped')), resolve(false)));
  });
  return {
    ready,
    lane: {
      check: (file) =>
        new Promise((resolve, reject) => {
          if (failed) return reject(failed);
          const id = sent++;
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, file });
        }),
    },
    stop: () => worker.terminate(),
  };
}

/**
 * `check a b c`: each file judged alone, printed in input order. Files are handed to whichever lane is
 * free: this thread, and up to threads - 1 worker threads once their models are loaded.
 */
export async function check(files: string[], flags: CheckFlags, threads = 1): Promise<number> {
  const engine = new LivenessEngine();
  const local = engineLane(engine, flags);
  const outcomes: (FileOutcome | undefined)[] = new Array(files.length);
  let printed = 0;
  let failures = 0;
  const print = () => {
    for (; printed < files.length && outcomes[printed]; printed++) {
      if (outcomes[printed]!.failed) failures++;
      printOutcome(outcomes[printed]!);
    }
  };
  let next = 0;
  const drain = async (lane: Lane, fallback?: Lane) => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      // A worker that died leaves its file to this thread.
      outcomes[index] = await lane.check(file).catch(() => (fallback ?? lane).check(file));
      print();
    }
  };
  const lanesOf = (lane: Lane, fallback?: Lane) => Promise.all(Array.from({ length: IN_FLIGHT_PER_LANE }, () => drain(lane, fallback)));
  const workers = Array.from({ length: Math.max(0, Math.min(threads, Math.floor(files.length / MIN_FILES_PER_THREAD)) - 1) }, () =>
    workerLane(flags),
  );
  const here = lanesOf(local);
  // The models load on this thread while the first files are read and decoded on the threadpool; a model that
  // cannot load fails each file as it did before (MODEL_UNAVAILABLE), so this warm-up's own failure is dropped.
  void engine.warmUp().catch(() => undefined);
  await Promise.all([
    here,
    ...workers.map(async (worker) => {
      // Once this thread has taken every file, a worker still loading is not waited for.
      if (await Promise.race([worker.ready, here.then(() => false)])) await lanesOf(worker.lane, local);
    }),
  ]);
  await Promise.all(workers.map((worker) => worker.stop()));
  return failures === 0 ? 0 : 2;
}
