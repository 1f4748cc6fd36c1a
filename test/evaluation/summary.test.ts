import { describe, expect, it } from 'vitest';
import { apcer, bpcer, pooledAttacks } from '../../functions/evaluation/metrics.js';
import { redecide, type SampleResult } from '../../functions/evaluation/runner.js';
import { parseSplit, SplitError, splitByGroup } from '../../functions/evaluation/split.js';
import { detPoints, scoresByClass, summarizeEvaluation } from '../../functions/evaluation/summary.js';

const sample = (
  file: string,
  label: 'live' | 'spoof',
  attackType: string,
  score: number | null,
  threshold = 0.5,
  group = file.split('__')[0]!,
): SampleResult => ({
  file,
  label,
  attackType,
  group,
  outcome: score === null ? 'noFace' : 'scored',
  score,
  decision: score === null ? null : score >= threshold ? 'yes' : 'no',
  confidence: score === null ? null : 'high',
  ...(score === null ? { errorCode: 'FACE_NOT_DETECTED' } : {}),
  action: score === null || score < threshold ? 'fail' : 'pass',
});

// 5 live (one without a face), 4 spoofs (one without a face), hand-countable at 0.5.
const samples: SampleResult[] = [
  sample('a__live1.jpg', 'live', '-', 0.9),
  sample('a__live2.jpg', 'live', '-', 0.8),
  sample('b__live3.jpg', 'live', '-', 0.3),
  sample('b__live4.jpg', 'live', '-', 0.6),
  sample('c__live5.jpg', 'live', '-', null),
  sample('a__print1.jpg', 'spoof', 'print', 0.7),
  sample('b__print2.jpg', 'spoof', 'print', 0.1),
  sample('c__screen1.jpg', 'spoof', 'screen', 0.2),
  sample('c__screen2.jpg', 'spoof', 'screen', null),
];

describe('summarizeEvaluation', () => {
  const summary = summarizeEvaluation(samples, 0.5);

  it('counts a live image without a face as a bona fide rejection, a spoof without a face as a rejected attack', () => {
    expect(summary.unusable.noFace).toEqual({ live: 1, spoof: 1, share: 2 / 9 });
    expect(summary.atThreshold.bpcer).toBe(2 / 5); // live3 by score, live5 with no face
    expect(summary.atThreshold.apcer).toBe(1 / 2); // print: 1 of 2; screen: 0 of 2
    expect(summary.atThreshold.worstAttackType).toBe('print');
    expect(summary.atThreshold.apcerPooled).toBe(1 / 4);
    expect(summary.atThreshold.acer).toBe((1 / 2 + 2 / 5) / 2);
  });

  it('also reports the rates on scored images only', () => {
    expect(summary.scoredOnly.bpcer).toBe(1 / 4);
    expect(summary.scoredOnly.apcer).toBe(1 / 2);
    expect(summary.scoredOnly.apcerPooled).toBe(1 / 3);
  });

  it('lists per-attack-type rows and the files it got wrong, worst first', () => {
    expect(summary.perAttackType.map((t) => [t.attackType, t.count, t.accepted, t.noFace])).toEqual([
      ['print', 2, 1, 0],
      ['screen', 2, 0, 1],
    ]);
    expect(summary.wrong.acceptedAttacks).toEqual([{ file: 'a__print1.jpg', attackType: 'print', score: 0.7 }]);
    expect(summary.wrong.rejectedBonaFide.map((w) => [w.file, w.reason])).toEqual([
      ['c__live5.jpg', 'no usable face'],
      ['b__live3.jpg', 'score below threshold'],
    ]);
  });

  it('agrees with the score-based metric functions, the unscored images counting below every threshold', () => {
    const { bonaFide, attacks } = scoresByClass(samples, 'system');
    expect(bpcer(bonaFide, 0.5)).toBe(summary.atThreshold.bpcer);
    expect(apcer(pooledAttacks(attacks), 0.5)).toBe(summary.atThreshold.apcerPooled);
    expect(summary.counts).toEqual({ images: 9, live: 5, spoof: 4, byAttackType: { print: 2, screen: 2 } });
  });

  it('re-decides at another threshold through the decide stage without new inference', () => {
    const strict = summarizeEvaluation(redecide(samples, 0.75, 0.15), 0.75);
    expect(strict.atThreshold.apcer).toBe(0);
    expect(strict.atThreshold.bpcer).toBe(3 / 5);
    // The rules were not re-applied, so no action distribution is claimed.
    expect(strict.actions).toBeNull();
  });

  it('counts the API actions by class', () => {
    expect(summary.actions).toEqual({
      live: { pass: 3, manualReview: 0, fail: 2 },
      spoof: { pass: 1, manualReview: 0, fail: 3 },
    });
  });

  it('draws DET points only for thresholds a user can set (0 and up)', () => {
    const points = detPoints(samples);
    expect(points.every((p) => p.threshold >= 0)).toBe(true);
    expect(points.at(-1)).toEqual({ threshold: Number.POSITIVE_INFINITY, apcer: 0, bpcer: 1 });
  });
});

describe('splits by group', () => {
  it('keeps every group on one side and names the split reproducibly', () => {
    const split = parseSplit('source-hash:7');
    const parts = splitByGroup(samples, split);
    expect(split.name).toBe('source-hash:7');
    expect(parts.calibration.length + parts.report.length).toBe(samples.length);
    expect(parts.calibrationGroups.filter((g) => parts.reportGroups.includes(g))).toEqual([]);
    // The same spec gives the same split.
    expect(splitByGroup(samples, parseSplit('source-hash:7')).calibrationGroups).toEqual(parts.calibrationGroups);
  });

  it('puts exactly the listed groups on the calibration side', () => {
    const parts = splitByGroup(samples, parseSplit('groups:a,c'));
    expect(parts.calibrationGroups).toEqual(['a', 'c']);
    expect(parts.reportGroups).toEqual(['b']);
  });

  it('refuses an unknown or empty split spec', () => {
    expect(() => parseSplit('random')).toThrow(SplitError);
    expect(() => parseSplit('groups:')).toThrow(SplitError);
  });
});
