import type { Assessability, LivenessDecision, LivenessScore } from '../types.js';

export interface DecideOptions {
  /** Scores at or above are live. */
  readonly threshold: number;
  /** Scores closer than this to the threshold are reported with low confidence (borderline). */
  readonly borderline: number;
}

/**
 * Stage 6: yes/no with a confidence, from a score and a threshold. A presentation the model cannot
 * judge is never live: 'no' with low confidence (no live face confirmed), whatever its score.
 */
export function decideLiveness(
  liveness: LivenessScore,
  options: DecideOptions,
  assessability: Pick<Assessability, 'assessable'> = { assessable: true },
): LivenessDecision {
  const { threshold, borderline } = options;
  if (!assessability.assessable) return { value: 'no', confidence: 'low', score: liveness.score, threshold, assessable: false };
  return {
    value: liveness.score >= threshold ? 'yes' : 'no',
    confidence: Math.abs(liveness.score - threshold) < borderline ? 'low' : 'high',
    score: liveness.score,
    threshold,
    assessable: true,
  };
}
