import { readFile } from 'node:fs/promises';
import { type ErrorReason, errorSummaryFor, summaryFor } from '../commons/decisionRules.js';
import type { LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { decideLiveness } from '../liveness/stages/decide.js';
import type { LabelledImage } from './dataset.js';

/** What the engine made of one labelled image. */
export interface SampleResult {
  readonly file: string;
  readonly label: 'live' | 'spoof';
  readonly attackType: string;
  readonly group: string;
  /** scored: a face was judged; noFace: FACE_NOT_DETECTED; error: any other reason the image was not judged. */
  readonly outcome: 'scored' | 'noFace' | 'error';
  /** Live probability from the engine; null when not scored. */
  readonly score: number | null;
  /** The engine's decision at the evaluated threshold (decision.value); null when not scored. */
  readonly decision: 'yes' | 'no' | null;
  readonly confidence: 'high' | 'low' | null;
  readonly errorCode?: string;
  readonly facesDetected?: number;
  /** The API's result.summary.action for this image under the decision rules; null once re-decided without them. */
  readonly action: 'pass' | 'fail' | 'manualReview' | null;
}

export interface RunOptions {
  readonly threshold: number;
  /** Decision rules document the API would apply (a plan's `rules`). */
  readonly rules?: string;
  /** Called after each image, e.g. for a progress line. */
  readonly onSample?: (done: number, total: number, sample: SampleResult) => void;
}

const API_ERROR_REASONS: Readonly<Record<string, true>> = {
  UNSUPPORTED_FILE_TYPE: true,
  EMPTY_IMAGE: true,
  CORRUPT_IMAGE: true,
  IMAGE_TOO_LARGE: true,
  IMAGE_TOO_SMALL: true,
  FACE_NOT_DETECTED: true,
};

/**
 * Runs every image through `LivenessEngine.check`, the same call the API and `liveness check` make,
 * and keeps only what the metrics need (never the decoded pixels).
 */
export async function runEvaluation(
  engine: LivenessEngine,
  images: readonly LabelledImage[],
  options: RunOptions,
): Promise<SampleResult[]> {
  const results: SampleResult[] = [];
  for (const image of images) {
    const base = { file: image.file, label: image.label, attackType: image.attackType, group: image.group };
    let result: SampleResult;
    try {
      const assessment = await engine.check(await readFile(image.path), { threshold: options.threshold });
      result = {
        ...base,
        outcome: 'scored',
        score: assessment.liveness.score,
        decision: assessment.decision.value,
        confidence: assessment.decision.confidence,
        facesDetected: assessment.faces.length,
        action: summaryFor(assessment, options.rules ?? 'default').action,
      };
    } catch (error) {
      const code = isLivenessError(error) ? error.code : 'INTERNAL_ERROR';
      if (code === 'MODEL_UNAVAILABLE') throw error;
      result = {
        ...base,
        outcome: code === 'FACE_NOT_DETECTED' ? 'noFace' : 'error',
        score: null,
        decision: null,
        confidence: null,
        errorCode: code,
        // What the API answers for this image: its error body's summary.
        action: errorSummaryFor(code in API_ERROR_REASONS ? (code as ErrorReason) : 'SERVER_ERROR').action,
      };
    }
    results.push(result);
    options.onSample?.(results.length, images.length, result);
  }
  return results;
}

/** The same results decided at another threshold by the engine's own decide stage (no second inference). */
export function redecide(samples: readonly SampleResult[], threshold: number, borderline: number): SampleResult[] {
  return samples.map((sample) => {
    if (sample.score === null) return sample;
    const decision = decideLiveness({ score: sample.score, probabilities: [] }, { threshold, borderline });
    return { ...sample, decision: decision.value, confidence: decision.confidence, action: null };
  });
}
