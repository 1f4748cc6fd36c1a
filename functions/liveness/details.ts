import type { LivenessAssessment } from './engine.js';
import type { MergedAssessment, MergedLiveness } from './merged/MergedLiveness.js';
import { QUALITY_CHECK_RESPONSE_KEYS, type QualityCheckName } from './quality/types.js';

const round = (v: number) => Math.round(v * 10_000) / 10_000;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** `result.details.qualityChecks`: the requested checks only, under HyperVerge's response keys (occlusion → faceOccluded). */
export function qualityChecksDetails(a: LivenessAssessment) {
  return Object.fromEntries(
    (Object.entries(a.quality.checks) as [QualityCheckName, unknown][]).map(([name, result]) => [
      QUALITY_CHECK_RESPONSE_KEYS[name],
      result,
    ]),
  );
}

/** `result.quality`: the YouLive status, every failure found, and the measurements behind them (0..100 like the 002 API). */
export function qualityResult(a: LivenessAssessment) {
  const m = a.quality.measurements;
  const s = m.statistics;
  return {
    status: a.quality.status,
    failures: a.quality.failures,
    brightness: round2(s.brightness),
    sharpness: round2(s.sharpness),
    exposure: { underExposed: round(s.underExposed), overExposed: round(s.overExposed), unevenness: round2(s.unevenness) },
    face: {
      widthRatio: round(m.geometry.widthRatio),
      heightRatio: round(m.geometry.heightRatio),
      borderDistance: round(m.geometry.borderDistance),
      cropped: m.geometry.cropped,
    },
    ...(m.pose ? { pose: { yaw: round2(m.pose.yaw), pitch: round2(m.pose.pitch), roll: round2(m.pose.roll) } } : {}),
    ...(m.occlusionScore !== undefined ? { occlusion: round(m.occlusionScore) } : {}),
    ...(m.eyes ? { eyesOpen: { left: round(m.eyes.leftOpen), right: round(m.eyes.rightOpen) } } : {}),
  };
}

/** Whether the model could judge the face, why not, and the measures behind it. */
export function assessabilityDetails(a: LivenessAssessment) {
  const x = a.assessability;
  return {
    assessable: x.assessable,
    ...(x.reason ? { reason: x.reason } : {}),
    cropScaleAchieved: round(x.cropScaleAchieved),
    cropScaleWanted: x.cropScaleWanted,
    faceFraction: round(x.faceFraction),
  };
}

/** The API's `result.details` shape for one assessment (the CLI prints the same). */
export function livenessDetails(a: LivenessAssessment) {
  const attributes = a.attributes;
  const checks = qualityChecksDetails(a);
  return {
    // assessable beside the value: false means no verdict (value "no", confidence "low"): retake, never a spoof.
    liveFace: {
      value: a.decision.value,
      confidence: a.decision.confidence,
      score: round(a.decision.score),
      assessable: a.decision.assessable,
      // Every model that decided and its own score; with several, how they became `score`.
      models: a.liveness.models.map((m) => ({ model: m.model, score: round(m.score) })),
      ...(a.liveness.fusion ? { fusion: a.liveness.fusion } : {}),
    },
    assessability: assessabilityDetails(a),
    face: {
      boundingBox: a.boundingBox,
      detectionConfidence: round(a.face.confidence),
      facesDetected: a.faces.length,
    },
    ...(Object.keys(checks).length > 0 ? { qualityChecks: checks } : {}),
    ...(attributes.ageRange ? { ageRange: attributes.ageRange } : {}),
    ...(attributes.gender ? { gender: attributes.gender } : {}),
    // The 002 API's names for the same ideas.
    ...(attributes.eyesOpen ? { eyes_open: attributes.eyesOpen } : {}),
    ...(attributes.mouthOpen ? { mouth_open: attributes.mouthOpen } : {}),
    ...(attributes.smile ? { smile: attributes.smile } : {}),
    ...(attributes.emotions ? { emotions: attributes.emotions } : {}),
    quality: { brightness: round2(a.quality.measurements.statistics.brightness), sharpness: round2(a.quality.measurements.statistics.sharpness) },
    threshold: a.decision.threshold,
    selectionCriteria: a.selection,
    modelVersion: a.modelVersion,
  };
}

/**
 * What validation said of merged against faster (from the head file, leave one source out): shown in
 * every merged answer, so a caller never reads "merged" as "more accurate" where it was not.
 */
function comparedWithFaster(head: MergedLiveness['head']) {
  const v = (head as unknown as { validation?: { atFasterBpcer?: { bpcer: number; fasterApcer: number; mergedApcer: number }; faster?: { meanWithinSourceAuc: number }; merged?: { meanWithinSourceAuc: number } } }).validation;
  const at = v?.atFasterBpcer;
  if (!at || !v?.faster || !v.merged) return { validated: false };
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    validated: true,
    lowerApcerAtEqualBpcer: at.mergedApcer < at.fasterApcer,
    atBpcer: round3(at.bpcer),
    apcer: { faster: round3(at.fasterApcer), merged: round3(at.mergedApcer) },
    meanWithinSourceAuc: { faster: round3(v.faster.meanWithinSourceAuc), merged: round3(v.merged.meanWithinSourceAuc) },
    on: 'leave-one-source-out on the development folders; see docs/merged.md',
  };
}

/** `details.frames` of a merged answer: per-frame scores and what the consistency check measured. */
function framesDetails(a: MergedAssessment) {
  const c = a.frames.consistency;
  return {
    count: a.frames.count,
    scores: a.frames.scores.map((s) => (s === null ? null : round(s))),
    aggregation: a.frames.aggregation,
    reportedFrame: a.frames.reportedFrame + 1,
    consistency: {
      consistent: c.reasons.length === 0,
      reasons: c.reasons,
      facesPerFrame: c.facesPerFrame,
      maxCentreShift: round(c.maxCentreShift),
      maxSizeRatio: round(c.maxSizeRatio),
      identicalFrames: c.identicalPairs.map(([a1, b1]) => [a1 + 1, b1 + 1]),
      boundingBoxes: c.track,
    },
    head: a.frames.head,
  };
}

/** How a check was asked for: the frames sent, and the merged level's own assessment when it decided. */
export interface CheckMethod {
  readonly framesSent: number;
  readonly merged?: { readonly assessment: MergedAssessment; readonly head: MergedLiveness['head'] };
}

/**
 * `result.details` of a check at either level, as the API answers it and the CLI prints it:
 * `livenessMethod` (the level that decided, and how many of the frames sent it looked at) always,
 * `frames` and `livenessMethod.comparedWithFaster` when the merged level decided.
 */
export function checkDetails(a: LivenessAssessment, how: CheckMethod) {
  const merged = how.merged;
  return {
    ...livenessDetails(a),
    livenessMethod: {
      value: merged ? ('merged' as const) : ('faster' as const),
      framesSent: how.framesSent,
      framesUsed: merged ? how.framesSent : 1,
      ...(merged ? { comparedWithFaster: comparedWithFaster(merged.head) } : {}),
    },
    ...(merged ? { frames: framesDetails(merged.assessment) } : {}),
  };
}
