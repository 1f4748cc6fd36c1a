import { livenessDetails } from '../liveness/details.js';
import { LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { DEFAULT_RULES, summarize } from '../liveness/rules/index.js';
import type { AttributeName } from '../liveness/attributes/types.js';
import type { QualityCheckName } from '../liveness/quality/types.js';
import type { DecodedImage, SelectionCriteria } from '../liveness/types.js';
import { isInputFileError, printableName, readImage } from './imageFiles.js';

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
  const known = isLivenessError(error) || isInputFileError(error);
  const code = known ? error.code : 'INTERNAL_ERROR';
  const message = known ? error.message : `unexpected error while checking ${what}`;
  return json
    ? { stdout: JSON.stringify({ ...label, error: { code, message } }), failed: true }
    : { stderr: `${printableName(name)}: error ${code}: ${printableName(message)}`, failed: true };
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
        `${printableName(file)}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence}${notAssessable} ` +
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

/**
 * `check a b c`: each file judged alone, printed in input order. The next file is read and decoded
 * (libvips, on the libuv threadpool) while this one is inferred: one file ahead at most.
 */
export async function check(files: string[], flags: CheckFlags): Promise<number> {
  const engine = new LivenessEngine();
  let next = files.length > 0 ? prepareImage(engine, files[0]!) : undefined;
  // The models load on this thread while the first file is read and decoded; a model that cannot load fails
  // each file as it did before (MODEL_UNAVAILABLE), so this warm-up's own failure is dropped.
  void engine.warmUp().catch(() => undefined);
  let failures = 0;
  for (let i = 0; i < files.length; i++) {
    const current = next!;
    next = i + 1 < files.length ? prepareImage(engine, files[i + 1]!) : undefined;
    const outcome = await checkImage(engine, files[i]!, current, flags);
    if (outcome.failed) failures++;
    printOutcome(outcome);
  }
  return failures === 0 ? 0 : 2;
}
