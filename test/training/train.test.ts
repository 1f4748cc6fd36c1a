import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import headJson from '../../models/liveness_head.json' with { type: 'json' };
import { extractFeatures } from '../../functions/training/features.js';
import { fitLogistic, sourceBalancedWeights } from '../../functions/training/logistic.js';
import { fitHead, headChecksum } from '../../functions/training/train.js';
import type { FeatureSetName } from '../../functions/liveness/merged/evidence.js';
import { skipReasonWithoutFaces } from '../helpers/faces.js';

describe('source-balanced L2 logistic regression', () => {
  it('gives every (source, label) cell the same total weight, and live and spoof the same', () => {
    const samples = [
      ...Array.from({ length: 8 }, () => ({ group: 'big', label: 'live' as const })),
      { group: 'big', label: 'spoof' as const },
      { group: 'small', label: 'live' as const },
      ...Array.from({ length: 3 }, () => ({ group: 'small', label: 'spoof' as const })),
    ];
    const w = sourceBalancedWeights(samples);
    const total = (g: string, l: string) => samples.reduce((sum, s, i) => sum + (s.group === g && s.label === l ? w[i]! : 0), 0);
    expect(total('big', 'live')).toBeCloseTo(total('small', 'live'), 10);
    expect(total('big', 'spoof')).toBeCloseTo(total('small', 'spoof'), 10);
    expect(total('big', 'live') + total('small', 'live')).toBeCloseTo(total('big', 'spoof') + total('small', 'spoof'), 10);
    expect(w.reduce((a, b) => a + b, 0) / w.length).toBeCloseTo(1, 10);
  });

  it('learns which feature carries the label, and shrinks the weights as lambda grows', () => {
    // Feature 0 decides the label; feature 1 is a fixed pattern unrelated to it.
    const rows = Array.from({ length: 40 }, (_, i) => [i < 20 ? -1 - (i % 5) / 5 : 1 + (i % 5) / 5, (i * 7) % 3]);
    const labels = rows.map((_, i) => (i < 20 ? 0 : 1));
    const weights = rows.map(() => 1);
    const weak = fitLogistic(rows, labels, weights, 1);
    const strong = fitLogistic(rows, labels, weights, 0.01);
    expect(strong.weights[0]).toBeGreaterThan(Math.abs(strong.weights[1]!) * 5);
    expect(Math.abs(weak.weights[0]!)).toBeLessThan(Math.abs(strong.weights[0]!));
  });
});

describe.skipIf(skipReasonWithoutFaces('liveness train reproducibility'))('the shipped head is reproducible as docs/merged.md says', () => {
  it(
    'refits, from the images it lists, the same weights with the chosen feature set and lambda',
    async () => {
      const shared = resolve(import.meta.dirname, '../../../shared');
      const { samples } = await extractFeatures([`${shared}/faces`, `${shared}/train-faces`]);
      const head = headJson as unknown as {
        featureSet: FeatureSetName;
        weights: number[];
        bias: number;
        sha256: string;
        training: { lambda: number; trainingData: string[] };
      };
      expect(samples.map((s) => s.id).sort()).toEqual(head.training.trainingData);
      const model = fitHead(samples, head.featureSet, head.training.lambda);
      expect(model.weights).toHaveLength(head.weights.length);
      model.weights.forEach((w, i) => expect(w).toBeCloseTo(head.weights[i]!, 5));
      expect(model.bias).toBeCloseTo(head.bias, 5);
      expect(headChecksum(headJson as unknown as Record<string, unknown>)).toBe(head.sha256);
    },
    600_000,
  );
});
