import type { LivenessAssessment } from './engine.js';

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The API's `result.details` shape for one assessment (the CLI prints the same). */
export function livenessDetails(a: LivenessAssessment) {
  return {
    liveFace: { value: a.decision.value, confidence: a.decision.confidence, score: round(a.decision.score) },
    face: {
      boundingBox: a.boundingBox,
      detectionConfidence: round(a.face.confidence),
      facesDetected: a.faces.length,
    },
    threshold: a.decision.threshold,
    selectionCriteria: a.selection,
    modelVersion: a.modelVersion,
  };
}
