import { describe, expect, it } from 'vitest';
import {
  calibrationEvidence,
  chooseBalancedThreshold,
  chooseMinCropScale,
  leaveOneSourceOut,
  sourceBalancedRates,
  tradeoffTable,
} from '../../functions/evaluation/calibration.js';
import type { SampleResult } from '../../functions/evaluation/runner.js';

const sample = (group: string, label: 'live' | 'spoof', score: number, cropScale = 2.7, i = 0): SampleResult => ({
  file: `${group}__${label}${score}_${i}.jpg`,
  label,
  attackType: label === 'live' ? '-' : 'print',
  group,
  outcome: 'scored',
  score,
  decision: score >= 0.5 ? 'yes' : 'no',
  confidence: 'high',
  assessable: cropScale >= 1.8,
  notAssessableReason: cropScale >= 1.8 ? null : 'FACE_TOO_CLOSE',
  notAssessableCause: cropScale >= 1.8 ? null : 'framing',
  cropScaleAchieved: cropScale,
  faceFraction: 0.5,
  qualityFailures: [],
  facesDetected: 1,
  action: null,
});
const many = (n: number, make: (i: number) => SampleResult) => Array.from({ length: n }, (_, i) => make(i));

// A big source whose attacks score low, and a small one whose attacks score high: a pooled rate would let the big one decide.
const big = [...many(50, (i) => sample('big', 'live', 0.9, 2.7, i)), ...many(50, (i) => sample('big', 'spoof', 0.1, 2.7, i))];
const small = [...many(5, (i) => sample('small', 'live', 0.95, 2.7, i)), ...many(5, (i) => sample('small', 'spoof', 0.6 + i * 0.05, 2.7, i))];

describe('source-balanced calibration', () => {
  it('weighs each source equally, whatever its size', () => {
    const rates = sourceBalancedRates([...big, ...small], 0.5);
    expect(rates.apcer).toBeCloseTo((0 + 1) / 2, 10);
    expect(rates.sources.map((s) => [s.source, s.live, s.spoof])).toEqual([
      ['big', 50, 50],
      ['small', 5, 5],
    ]);
  });

  it('leaves out of the mean a source with too few images of a class', () => {
    const rates = sourceBalancedRates([...big, sample('tiny', 'spoof', 0.99)], 0.5);
    expect(rates.apcer).toBe(0);
    expect(Number.isNaN(rates.sources.find((s) => s.source === 'tiny')!.apcer)).toBe(true);
  });

  it('chooses the lowest threshold meeting the balanced APCER target, so the small source is protected too', () => {
    const choice = chooseBalancedThreshold([...big, ...small], 0.1);
    // small's attacks score 0.6..0.8: rejecting 9 in 10 balanced needs a threshold above 0.7.
    expect(choice.threshold).toBeGreaterThan(0.7);
    expect(choice.apcer).toBeLessThanOrEqual(0.1);
  });

  it('judges each source at the threshold the other sources choose', () => {
    const loso = leaveOneSourceOut([...big, ...small], 0.1);
    const held = Object.fromEntries(loso.folds.map((f) => [f.source, f]));
    // Chosen on big alone, the threshold lets every attack of small through.
    expect(held.small!.apcer).toBe(1);
    expect(held.big!.apcer).toBe(0);
  });

  it('ignores presentations that are not assessable', () => {
    const tight = many(20, (i) => sample('big', 'spoof', 0.99, 1.1, i));
    expect(sourceBalancedRates([...big, ...tight], 0.5).apcer).toBe(0);
    expect(tradeoffTable([...big, ...tight], [0.5])[0]!.sources[0]).toMatchObject({ live: 50, spoof: 50 });
  });
});

describe('chooseMinCropScale', () => {
  it('refuses the crop scales where the model is wrong more than a retake is worth, and no more', () => {
    // Right with room (>= 1.8), wrong on tight crops (< 1.5), in two sources.
    const data = ['a', 'b'].flatMap((g) => [
      ...many(10, (i) => sample(g, 'live', 0.9, 2.5, i)),
      ...many(10, (i) => sample(g, 'spoof', 0.1, 2.5, i)),
      ...many(10, (i) => sample(g, 'live', 0.1, 1.2, i)),
      ...many(10, (i) => sample(g, 'spoof', 0.9, 1.2, i)),
    ]);
    const choice = chooseMinCropScale(data, 0.5, 3, [1, 1.3, 1.8, 2.6]);
    expect(choice.minCropScale).toBe(1.3);
    expect(choice.leaveOneSourceOut).toEqual({ '1.3': 2 });
  });
});

describe('calibrationEvidence', () => {
  it('is enough with two sources of five decided images of each class', () => {
    const evidence = calibrationEvidence([...big, ...small]);
    expect(evidence.enough).toBe(true);
    expect(evidence.counting).toEqual({ live: 2, spoof: 2 });
  });

  it('is not enough when only one source has five decided attacks, and counts only decided images', () => {
    const fourAttacks = [...many(5, (i) => sample('small', 'live', 0.95, 2.7, i)), ...many(4, (i) => sample('small', 'spoof', 0.6, 2.7, i))];
    const tightAttacks = many(3, (i) => sample('small', 'spoof', 0.2, 1.1, 10 + i));
    const evidence = calibrationEvidence([...big, ...fourAttacks, ...tightAttacks]);
    expect(evidence.enough).toBe(false);
    expect(evidence.counting).toEqual({ live: 2, spoof: 1 });
    expect(evidence.sources.find((s) => s.source === 'small')).toEqual({
      source: 'small',
      live: { decided: 5, all: 5 },
      spoof: { decided: 4, all: 7 },
    });
  });
});
