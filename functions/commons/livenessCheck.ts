import type { LivenessAssessment, LivenessEngine } from '../liveness/engine.js';
import { livenessDetails } from '../liveness/details.js';
import { faceJpeg } from '../liveness/stages/crop.js';
import { summaryFor } from './decisionRules.js';
import type { LivenessRequest } from './livenessRequest.js';
import type { Plan } from './plans.js';
import type { CropStore } from './stores/cropStore.js';
import type { TransactionRecord } from './stores/transactionLog.js';

export interface LivenessCheckInput {
  readonly appId: string;
  readonly plan: Plan;
  readonly requestId: string;
  readonly transactionId: string;
  readonly request: LivenessRequest;
}

export interface LivenessCheckResult {
  /** The HyperVerge success envelope. */
  readonly body: Record<string, unknown>;
  /** What the transaction log keeps of it: no image data. */
  readonly logged: Partial<TransactionRecord>;
}

function unsupportedAnswers(a: LivenessAssessment, request: LivenessRequest) {
  const { options } = request;
  const qualityChecks = Object.fromEntries(options.qualityChecks.map((name) => [name, { value: 'unsupported' }]));
  return {
    ...(options.qualityChecks.length > 0 ? { qualityChecks } : {}),
    ...(options.ageRange ? { ageRange: { value: 'unsupported' } } : {}),
    ...(options.checkGender ? { gender: { value: 'unsupported' } } : {}),
    // One passive model: Level 2 ("merged") is not something we can honestly claim.
    livenessMethod:
      options.livenessMethod === 'merged' ? { value: 'unsupported', requested: 'merged', used: 'faster' } : { value: 'faster' },
    modelVersion: a.modelVersion,
  };
}

/** The domain call of POST /v1/checkLiveness: assess, summarise, optionally store the crop. */
export async function checkLiveness(
  deps: { readonly engine: LivenessEngine; readonly crops: CropStore },
  input: LivenessCheckInput,
): Promise<LivenessCheckResult> {
  const { options, image } = input.request;
  const assessment = await deps.engine.check(image, {
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    selection: options.selectionCriteria,
  });
  const details = { ...livenessDetails(assessment), ...unsupportedAnswers(assessment, input.request) };
  const summary = summaryFor(assessment, input.plan.rules);
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
      summary,
      ...(croppedImageUrl ? { croppedImageUrl } : {}),
      modelVersion: assessment.modelVersion,
    },
  };
  return {
    body,
    logged: {
      outcome: summary.action,
      liveFace: details.liveFace,
      summaryCodes: summary.details.map((d) => d.code),
      facesDetected: assessment.faces.length,
      modelVersion: assessment.modelVersion,
    },
  };
}
