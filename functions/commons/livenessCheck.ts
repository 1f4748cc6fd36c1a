import type { LivenessAssessment, LivenessEngine } from '../liveness/engine.js';
import { DEFAULT_FRAME_LIMITS, MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import type { AttributeName } from '../liveness/attributes/types.js';
import { checkDetails, qualityResult } from '../liveness/details.js';
import { faceJpeg } from '../liveness/stages/crop.js';
import { rulesFor, summaryFor } from './decisionRules.js';
import type { LivenessRequest } from './livenessRequest.js';
import type { Plan } from './plans.js';
import type { CropStore } from './stores/cropStore.js';
import type { TransactionRecord } from './stores/transactionLog.js';

export interface LivenessCheckInput {
  readonly appId: string;
  readonly plan: Plan;
  /** The app's own rules document, when it has one. */
  readonly rules?: string;
  readonly requestId: string;
  readonly transactionId: string;
  readonly request: LivenessRequest;
  /** Per-frame pixel limit of the merged level (config LIVENESS_MAX_FRAME_PIXELS). */
  readonly maxFramePixels?: number;
}

export interface LivenessCheckResult {
  /** The HyperVerge success envelope. */
  readonly body: Record<string, unknown>;
  /** What the transaction log keeps of it: no image data. */
  readonly logged: Partial<TransactionRecord>;
  /** The domain result the vendor adapters map from (the body above is HyperVerge's view of it). */
  readonly assessment: LivenessAssessment;
  /** Width and height of the (upright) image as sent, in pixels. */
  readonly imageSize: { readonly width: number; readonly height: number };
  readonly summary: ReturnType<typeof summaryFor>;
}

// One merged level per engine (the head is loaded and checksum-verified once per process).
const mergedLevels = new WeakMap<LivenessEngine, MergedLiveness>();
const mergedFor = (engine: LivenessEngine) => {
  let merged = mergedLevels.get(engine);
  if (!merged) mergedLevels.set(engine, (merged = new MergedLiveness(engine)));
  return merged;
};

/** The domain call of POST /v1/checkLiveness: assess, summarise, optionally store the crop. */
export async function checkLiveness(
  deps: { readonly engine: LivenessEngine; readonly crops: CropStore },
  input: LivenessCheckInput,
): Promise<LivenessCheckResult> {
  const { options, images } = input.request;
  const attributes: AttributeName[] = [
    ...(options.ageRange ? (['ageRange'] as const) : []),
    ...(options.checkGender ? (['gender'] as const) : []),
    ...(options.attributes ?? []).filter((name) => name !== 'ageRange' && name !== 'gender'),
  ];
  const checkOptions = {
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    selection: options.selectionCriteria,
    qualityChecks: options.qualityChecks,
    attributes,
  };
  // faster: the first frame, as always; merged: every frame, fused by the learned head.
  const merged =
    options.livenessMethod === 'merged'
      ? await mergedFor(deps.engine).checkFrames(images, {
          ...checkOptions,
          ...(input.maxFramePixels !== undefined
            ? { limits: { ...DEFAULT_FRAME_LIMITS, maxFramePixels: input.maxFramePixels } }
            : {}),
        })
      : undefined;
  const assessment = merged ?? (await deps.engine.check(images[0]!, checkOptions));
  const details = checkDetails(assessment, {
    framesSent: images.length,
    ...(merged ? { merged: { assessment: merged, head: mergedFor(deps.engine).head } } : {}),
  });
  const quality = qualityResult(assessment);
  const rules = rulesFor({ ...(input.rules ? { app: input.rules } : {}), plan: input.plan.rules });
  const summary = summaryFor(assessment, rules);
  let croppedImageUrl: string | undefined;
  if (options.returnCroppedImageURL) {
    await deps.crops.put(input.appId, input.requestId, await faceJpeg(assessment.decoded, assessment.face, images[merged ? merged.frames.reportedFrame : 0]));
    croppedImageUrl = await deps.crops.signedUrl(input.appId, input.requestId);
  }
  const body = {
    status: 'success',
    statusCode: 200,
    metadata: { requestId: input.requestId, transactionId: input.transactionId },
    result: {
      details,
      quality,
      summary,
      ...(croppedImageUrl ? { croppedImageUrl } : {}),
      modelVersion: assessment.modelVersion,
    },
  };
  const scale = assessment.decoded.scale ?? 1;
  return {
    body,
    assessment,
    summary,
    imageSize: { width: Math.round(assessment.image.width * scale), height: Math.round(assessment.image.height * scale) },
    logged: {
      outcome: summary.action,
      liveFace: details.liveFace,
      qualityStatus: quality.status,
      summaryCodes: summary.details.map((d) => d.code),
      facesDetected: assessment.faces.length,
      modelVersion: assessment.modelVersion,
      // What decided, so the log answers "why pass?" without the request.
      threshold: assessment.decision.threshold,
      rules: rules.name,
      rulesVersion: rules.version,
    },
  };
}
