import { readFile } from 'node:fs/promises';
import { type ErrorReason, errorSummaryFor, summaryFor } from '../commons/decisionRules.js';
import type { QualityStatus } from '../liveness/quality/types.js';
import { resolveRules, summarize } from '../liveness/rules/index.js';
import type { LivenessEngine, LivenessModelChoice } from '../liveness/engine.js';
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
  /** Each liveness model's own live probability, by model id (fr_liveness, silent_face_v2, ...), when scored. */
  readonly modelScores?: Readonly<Record<string, number>>;
  /** The engine's decision at the evaluated threshold (decision.value); null when not scored. */
  readonly decision: 'yes' | 'no' | null;
  readonly confidence: 'high' | 'low' | null;
  readonly errorCode?: string;
  readonly facesDetected?: number;
  /** Whether the model could judge the face (null when no face was scored); a non-assessable image got no verdict. */
  readonly assessable: boolean | null;
  /** Why not (FACE_TOO_CLOSE, FACE_CROPPED, FACE_WITHOUT_PADDING, ILLUMINATION_ERROR); null when assessable or unscored. */
  readonly notAssessableReason: string | null;
  readonly notAssessableCause?: 'framing' | 'exposure' | null;
  /** The crop scale the image allowed (of the 2.7 wanted) and the face's share of the frame. */
  readonly cropScaleAchieved: number | null;
  readonly faceFraction: number | null;
  /** Every failing quality status, to apply the rules again after a re-decision. */
  readonly qualityFailures?: readonly QualityStatus[];
  /** The API's result.summary.action for this image under the decision rules; null once re-decided without them. */
  readonly action: 'pass' | 'fail' | 'manualReview' | null;
}

export interface RunOptions {
  readonly threshold: number;
  /** Decision rules document the API would apply (a plan's `rules`). */
  readonly rules?: string;
  /** Which liveness models decide (default: the engine's); every model's own score is kept either way. */
  readonly livenessModels?: LivenessModelChoice;
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
      const assessment = await engine.check(await readFile(image.path), {
        threshold: options.threshold,
        ...(options.livenessModels ? { livenessModels: options.livenessModels } : {}),
      });
      result = {
        ...base,
        outcome: 'scored',
        score: assessment.liveness.score,
        modelScores: Object.fromEntries(assessment.liveness.models.map((m) => [m.model.split('@')[0]!, m.score])),
        decision: assessment.decision.value,
        confidence: assessment.decision.confidence,
        facesDetected: assessment.faces.length,
        assessable: assessment.assessability.assessable,
        notAssessableReason: assessment.assessability.reason,
        notAssessableCause: assessment.assessability.cause,
        cropScaleAchieved: assessment.assessability.cropScaleAchieved,
        faceFraction: assessment.assessability.faceFraction,
        qualityFailures: assessment.quality.failures,
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
        assessable: null,
        notAssessableReason: null,
        cropScaleAchieved: null,
        faceFraction: null,
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

/**
 * The same results decided at another threshold by the engine's own decide stage (no second
 * inference). With `rules`, the API's action is worked out again from what was kept of each
 * assessment (face count, quality failures, assessability); without, it is unknown (null).
 */
export function redecide(samples: readonly SampleResult[], threshold: number, borderline: number, rules?: string): SampleResult[] {
  const document = rules ? resolveRules({ plan: rules }) : undefined;
  return samples.map((sample) => {
    if (sample.score === null) return sample;
    const assessability = { assessable: sample.assessable !== false };
    const decision = decideLiveness({ score: sample.score, probabilities: [] }, { threshold, borderline }, assessability);
    const failures = sample.qualityFailures ?? [];
    const action =
      document && sample.qualityFailures
        ? summarize(
            {
              decision,
              faces: new Array(sample.facesDetected ?? 1),
              quality: { status: failures[0] ?? 'VALID_IMAGE', failures, checks: {} },
              assessability: { assessable: sample.assessable !== false, cause: sample.notAssessableCause ?? null },
            },
            document,
          ).action
        : null;
    return { ...sample, decision: decision.value, confidence: decision.confidence, action };
  });
}

/** The same results with assessability decided at another minimum crop scale (framing only; exposure stays). */
export function reassess(samples: readonly SampleResult[], minCropScale: number): SampleResult[] {
  return samples.map((sample) => {
    if (sample.cropScaleAchieved === null || sample.notAssessableCause === 'exposure') return sample;
    const assessable = sample.cropScaleAchieved >= minCropScale;
    return { ...sample, assessable, notAssessableReason: assessable ? null : (sample.notAssessableReason ?? 'FACE_WITHOUT_PADDING'), notAssessableCause: assessable ? null : 'framing' };
  });
}
