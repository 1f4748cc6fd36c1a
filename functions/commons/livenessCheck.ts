import type { LivenessAssessment, LivenessEngine } from '../liveness/engine.js';
import type { AttributeName } from '../liveness/attributes/types.js';
import { livenessDetails, qualityResult } from '../liveness/details.js';
import { faceJpeg } from '../liveness/stages/crop.js';
import { summaryFor } from './decisionRules.js';
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

/** One passive model: Level 2 ("merged") is not something we can honestly claim. */
const livenessMethodAnswer = (requested: LivenessRequest['options']['livenessMethod']) =>
  requested === 'merged' ? { value: 'unsupported', requested: 'merged', used: 'faster' } : { value: 'faster' };

/** The domain call of POST /v1/checkLiveness: assess, summarise, optionally store the crop. */
export async function checkLiveness(
  deps: { readonly engine: LivenessEngine; readonly crops: CropStore },
  input: LivenessCheckInput,
): Promise<LivenessCheckResult> {
  const { options, images } = input.request;
  const image = images[0]!;
  const attributes: AttributeName[] = [
    ...(options.ageRange ? (['ageRange'] as const) : []),
    ...(options.checkGender ? (['gender'] as const) : []),
    ...(options.attributes ?? []).filter((name) => name !== 'ageRange' && name !== 'gender'),
  ];
  const assessment = await deps.engine.check(image, {
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    selection: options.selectionCriteria,
    qualityChecks: options.qualityChecks,
    attributes,
  });
  const details = { ...livenessDetails(assessment), livenessMethod: livenessMethodAnswer(options.livenessMethod) };
  const quality = qualityResult(assessment);
  const summary = summaryFor(assessment, { ...(input.rules ? { app: input.rules } : {}), plan: input.plan.rules });
  let croppedImageUrl: string | undefined;
  if (options.returnCroppedImageURL) {
    await deps.crops.put(input.appId, input.requestId, await faceJpeg(assessment.decoded, assessment.face));
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
    },
  };
}
