import { summaryFor } from '../commons/decisionRules.js';
import { type CheckMethod, checkDetails } from '../liveness/details.js';
import type { LivenessAssessment } from '../liveness/engine.js';
import type { QualityMeasure } from '../liveness/quality/types.js';
import { DEFAULT_RULES_NAME } from '../liveness/rules/index.js';

/** The rules document the CLI summarises with: the shipped default, every plan's today. */
const CLI_RULES = DEFAULT_RULES_NAME;

/** Who a line is about: one image (`check a.jpg`) or the frames of one capture (`check --frames ...`). */
export type AnswerLabel = { readonly file: string } | { readonly files: readonly string[] };

/**
 * One answer of `check`, at either level: the API's `result.details`, its quality status with the
 * measurements that decided each failure, and `summary` from the same function the API uses.
 */
export function checkAnswer(label: AnswerLabel, assessment: LivenessAssessment, how: CheckMethod) {
  const quality = assessment.quality;
  return {
    ...label,
    ...checkDetails(assessment, how),
    qualityStatus: quality.status,
    qualityReasons: quality.failures.map((status) => ({ status, measures: quality.evidence[status] ?? [] })),
    summary: summaryFor(assessment, CLI_RULES),
  };
}

export type CheckAnswer = ReturnType<typeof checkAnswer>;

const figure = (v: number) => String(Math.round(v * 1000) / 1000);
const measureText = (m: QualityMeasure) => `${m.name}=${figure(m.value)}${m.failed ? (m.bound === 'min' ? '<' : '>') : ' within '}${m.bound}${figure(m.limit)}`;

/** `FACE_ANGLE_TOO_LARGE(roll=31.2>max25, yaw=3.1 within max25, pitch=-5 within max25)`: the failed measures first. */
function reasonText(reason: CheckAnswer['qualityReasons'][number]): string {
  const measures = [...reason.measures.filter((m) => m.failed), ...reason.measures.filter((m) => !m.failed)];
  return measures.length === 0 ? reason.status : `${reason.status}(${measures.map(measureText).join(', ')})`;
}

/**
 * The plain-text line of one answer, the same at both levels: a face the model could not judge
 * always says assessable=no and why, and any action other than pass is printed with its reasons.
 */
export function answerLine(name: string, answer: CheckAnswer): string {
  const { liveFace, face, assessability, livenessMethod, summary } = answer;
  const box = face.boundingBox;
  const inconsistent = 'frames' in answer && answer.frames ? answer.frames.consistency.reasons : [];
  return [
    `${name}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence}`,
    ...(assessability.assessable
      ? []
      : [`assessable=no reason=${assessability.reason} cropScale=${assessability.cropScaleAchieved.toFixed(2)}/${assessability.cropScaleWanted}`]),
    // Every model that decided, with its own score, when more than one did (a model pack is installed).
    ...(liveFace.models.length > 1 ? [`models=${liveFace.models.map((m) => `${m.model.split('@')[0]}:${m.score.toFixed(3)}`).join(',')}`] : []),
    `method=${livenessMethod.value} frames=${livenessMethod.framesUsed}/${livenessMethod.framesSent}`,
    `faces=${face.facesDetected} box=${box.left},${box.top},${box.width}x${box.height}`,
    `quality=${answer.qualityReasons.length === 0 ? answer.qualityStatus : answer.qualityReasons.map(reasonText).join(',')}`,
    ...(inconsistent.length > 0 ? [`inconsistent=${inconsistent.join(',')}`] : []),
    ...(summary.action === 'pass' ? [] : [`action=${summary.action} (${summary.details.map((d) => `${d.code} ${d.message}`).join('; ')})`]),
  ].join(' ');
}
