import { describe, expect, it } from 'vitest';
import {
  acer,
  apcer,
  apcerByType,
  bpcer,
  bpcerAtApcer,
  equalErrorRate,
  maxApcer,
  operatingPoints,
  pooledAttacks,
  probit,
  readableThreshold,
  rocAuc,
  thresholdForApcer,
} from '../../functions/evaluation/metrics.js';

// A set small enough to count by hand: 4 bona fide, 2 print attacks, 3 screen attacks.
const bonaFide = [0.9, 0.8, 0.7, 0.3];
const attacks = { print: [0.1, 0.75], screen: [0.2, 0.4, 0.95] };

describe('error rates at a threshold', () => {
  it('counts an attack scoring exactly at the threshold as accepted, like the decide stage', () => {
    expect(apcer([0.5, 0.4], 0.5)).toBe(0.5);
    expect(bpcer([0.5, 0.4], 0.5)).toBe(0.5);
  });

  it('gives APCER per attack type, the worst type as the system APCER, BPCER and ACER at 0.5', () => {
    expect(apcerByType(attacks, 0.5)).toEqual({ print: 1 / 2, screen: 1 / 3 });
    expect(maxApcer(attacks, 0.5)).toEqual({ apcer: 0.5, attackType: 'print' });
    expect(apcer(pooledAttacks(attacks), 0.5)).toBe(2 / 5);
    expect(bpcer(bonaFide, 0.5)).toBe(1 / 4);
    expect(acer(0.5, 0.25)).toBe(0.375);
  });

  it('reports zero rather than NaN for an empty class', () => {
    expect(apcer([], 0.5)).toBe(0);
    expect(bpcer([], 0.5)).toBe(0);
    expect(maxApcer({}, 0.5)).toEqual({ apcer: 0, attackType: null });
  });
});

describe('ROC AUC', () => {
  it('is the share of (bona fide, attack) pairs ranked the right way: 13 of 20 here', () => {
    expect(rocAuc(bonaFide, pooledAttacks(attacks))).toBeCloseTo(13 / 20, 12);
  });

  it('counts ties as half and is 1 for a perfect separation, 0 for an inverted one', () => {
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    expect(rocAuc([0.5, 0.6], [0.5])).toBe(0.75);
    expect(rocAuc([0.8, 0.9], [0.1, 0.2])).toBe(1);
    expect(rocAuc([0.1, 0.2], [0.8, 0.9])).toBe(0);
    expect(rocAuc([], [0.1])).toBeNaN();
  });
});

describe('operating points and EER', () => {
  it('lists one point per distinct score, then "reject all"', () => {
    const points = operatingPoints([0.6, 0.8], [0.4, 0.7]);
    expect(points).toEqual([
      { threshold: 0.4, apcer: 1, bpcer: 0 },
      { threshold: 0.6, apcer: 0.5, bpcer: 0 },
      { threshold: 0.7, apcer: 0.5, bpcer: 0.5 },
      { threshold: 0.8, apcer: 0, bpcer: 0.5 },
      { threshold: Number.POSITIVE_INFINITY, apcer: 0, bpcer: 1 },
    ]);
  });

  it('is 0 for a perfect separation and 50% where the curve meets the diagonal at a point', () => {
    expect(equalErrorRate([0.8, 0.9], [0.1, 0.2]).eer).toBe(0);
    expect(equalErrorRate([0.6, 0.8], [0.4, 0.7])).toEqual({ eer: 0.5, threshold: 0.7 });
  });

  it('interpolates between operating points: (50%, 0%) to (0%, 50%) crosses the diagonal at 25%', () => {
    // Thresholds 0.1, 0.5, 0.9: a tie at 0.5 moves an attack and a bona fide at once.
    expect(equalErrorRate([0.5, 0.9], [0.1, 0.5])).toEqual({ eer: 0.25, threshold: 0.9 });
  });

  it('stays at the flat APCER when only BPCER moves across the diagonal (hand count: 40%)', () => {
    // t=0.7: APCER 2/5, BPCER 1/4; t=0.75: APCER 2/5, BPCER 2/4.
    expect(equalErrorRate(bonaFide, pooledAttacks(attacks))).toEqual({ eer: 0.4, threshold: 0.75 });
  });
});

describe('threshold for a target APCER, and BPCER at APCER', () => {
  it('takes the lowest threshold meeting the worst attack type, between two observed scores', () => {
    // At 0.8 print accepts nothing and screen 1 of 3 (33%); just below, print still accepts 0.75.
    expect(thresholdForApcer(bonaFide, attacks, 0.34)).toEqual({
      threshold: 0.8,
      apcer: 1 / 3,
      worstAttackType: 'screen',
      bpcer: 2 / 4,
    });
  });

  it('rejects above the top attack when no attack may pass, and accepts everything when all may', () => {
    expect(thresholdForApcer(bonaFide, attacks, 0)).toMatchObject({ threshold: 0.97, apcer: 0, bpcer: 1 });
    expect(thresholdForApcer(bonaFide, attacks, 1)).toMatchObject({ threshold: 0, bpcer: 0, apcer: 1 });
  });

  it('gives BPCER at a fixed APCER from the same choice', () => {
    expect(bpcerAtApcer(bonaFide, attacks, 0.5)).toMatchObject({ bpcer: 1 / 4, apcer: 0.5 });
    expect(bpcerAtApcer(bonaFide, attacks, 0.05).bpcer).toBe(1);
  });

  it('reads well: the shortest decimal that decides the same', () => {
    expect(readableThreshold(0.4474, 0.517)).toBe(0.5);
    expect(readableThreshold(0.991, 0.9925)).toBe(0.992);
    expect(readableThreshold(0.1, 0.2)).toBe(0.2);
  });
});

describe('probit (DET axes)', () => {
  it('matches the standard normal quantiles', () => {
    expect(probit(0.5)).toBeCloseTo(0, 9);
    expect(probit(0.975)).toBeCloseTo(1.959964, 5);
    expect(probit(0.025)).toBeCloseTo(-1.959964, 5);
    expect(probit(0.001)).toBeCloseTo(-3.090232, 5);
    expect(probit(0)).toBe(Number.NEGATIVE_INFINITY);
  });
});
