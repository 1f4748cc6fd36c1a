import type { LivenessDecision, LivenessScore } from '../types.js';

export interface DecideOptions {
  /** Scores at or above are live. */
  readonly threshold: number;
  /** Scores closer than this to the threshold are reported with low confidence (borderline). */
  readonly borderline: number;
}

/** Stage 6: yes/no with a confidence, from a score and a threshold. */
export function decideLiveness(liveness: LivenessScore, options: DecideOptions): LivenessDecision {
  const { threshold, borderline } = options;
  return {
    value: liveness.score >= threshold ? 'yes' : 'no',
    confidence: Math.abs(liveness.score - threshold) < borderline ? 'low' : 'high',
    score: liveness.score,
    threshold,
  };
}
