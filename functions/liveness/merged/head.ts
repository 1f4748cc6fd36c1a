import { sigmoid } from '../stages/score.js';
import { FEATURE_SETS, type FeatureSetName, type FrameEvidence } from './evidence.js';

/**
 * A learned logistic head over fr_liveness evidence, stored as data (models/liveness_head.json):
 * p(live) = sigmoid(bias + weights · ((features - mean) / scale)). Trained by `liveness train`.
 */
export interface LivenessHead {
  readonly id: string;
  readonly version: string;
  readonly featureSet: FeatureSetName;
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
  /** Live when the merged score is at or above this (source-balanced training makes 0.5 the neutral point). */
  readonly threshold: number;
}

/** The head's live logit for one feature vector (raw, not yet standardised). */
export function headLogit(head: Pick<LivenessHead, 'mean' | 'scale' | 'weights' | 'bias'>, features: readonly number[]): number {
  if (features.length !== head.weights.length) {
    throw new Error(`the head expects ${head.weights.length} features, got ${features.length}`);
  }
  let z = head.bias;
  for (let i = 0; i < features.length; i++) z += head.weights[i]! * ((features[i]! - head.mean[i]!) / head.scale[i]!);
  return z;
}

/** Probability that one frame shows a live face, by the head. */
export const frameLiveProbability = (head: LivenessHead, evidence: FrameEvidence): number =>
  sigmoid(headLogit(head, FEATURE_SETS[head.featureSet](evidence)));

/**
 * Frames → one score, robustly: the mean of the lower half of the frame scores (the lowest always
 * included), so one confident spoof frame pulls the presentation down while one odd live frame
 * among several cannot lift it.
 */
export function aggregateFrameScores(scores: readonly number[]): number {
  if (scores.length === 0) throw new Error('no frame scores to aggregate');
  const sorted = [...scores].sort((a, b) => a - b);
  const lower = sorted.slice(0, Math.max(1, Math.floor(sorted.length / 2)));
  return lower.reduce((a, b) => a + b, 0) / lower.length;
}
