import silentFaceFusion from '../../models/packs/silent-face.fusion.json' with { type: 'json' };
import type { ModelScore } from './types.js';
import { logOdds, sigmoid } from './stages/score.js';

/** How several liveness models' scores become one: chosen by leave-one-source-out (scripts/calibrateFusion.ts). */
export type FusionRuleName = 'meanProbability' | 'meanLogOdds' | 'logisticHead';

export interface FusionRule {
  readonly rule: FusionRuleName;
  /** Model ids, in the order of `weights`. */
  readonly models: readonly string[];
  /** logisticHead: one weight per model's log-odds, and a bias (live = sigmoid(bias + sum w_i logit_i)). */
  readonly weights?: readonly number[];
  readonly bias?: number;
}

export interface FusionCalibration {
  readonly threshold: number;
  readonly borderline: number;
}

/** A pack's fusion declaration (models/packs/NAME.fusion.json): the rule with every model, and the pack's models alone. */
export interface FusionDeclaration {
  readonly pack: string;
  readonly version: string;
  readonly fusion: FusionRule;
  readonly calibration: FusionCalibration;
  readonly packAlone: { readonly fusion: FusionRule; readonly calibration: FusionCalibration };
  readonly sha256?: string;
}

export const FUSIONS: readonly FusionDeclaration[] = [silentFaceFusion as unknown as FusionDeclaration];

export const fusionFor = (pack: string): FusionDeclaration | undefined => FUSIONS.find((f) => f.pack === pack);

/** One live probability from the models' live probabilities, given in `rule.models` order. */
export function fuseProbabilities(rule: FusionRule, probabilities: readonly number[]): number {
  if (probabilities.length !== rule.models.length) throw new Error(`fusion of ${rule.models.join(', ')} needs ${rule.models.length} scores`);
  const n = probabilities.length;
  switch (rule.rule) {
    case 'meanProbability':
      return probabilities.reduce((a, b) => a + b, 0) / n;
    case 'meanLogOdds':
      return sigmoid(probabilities.reduce((a, p) => a + logOdds(p), 0) / n);
    case 'logisticHead':
      return sigmoid(probabilities.reduce((a, p, i) => a + rule.weights![i]! * logOdds(p), rule.bias ?? 0));
  }
}

/** The fused score of the models that scored a face (each found by id in `rule.models`). */
export function fuseModelScores(rule: FusionRule, scores: readonly (ModelScore & { readonly id: string })[]): number {
  return fuseProbabilities(
    rule,
    rule.models.map((id) => {
      const found = scores.find((s) => s.id === id);
      if (!found) throw new Error(`fusion needs a score from ${id}`);
      return found.score;
    }),
  );
}

/** What the fusion rule says, for the answer's details ("meanLogOdds of fr_liveness, silent_face_v2, silent_face_v1se"). */
export const describeFusion = (rule: FusionRule): string => `${rule.rule} of ${rule.models.join(', ')}`;
