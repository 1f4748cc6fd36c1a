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
  assessable = true,
): SampleResult => ({
  file,
  label,
  attackType,
  group,
  outcome: score === null ? 'noFace' : 'scored',
  score,
  decision: score === null ? null : assessable && score >= threshold ? 'yes' : 'no',
  confidence: score === null ? null : assessable ? 'high' : 'low',
  ...(score === null ? { errorCode: 'FACE_NOT_DETECTED' } : {}),
  assessable: score === null ? null : assessable,
  notAssessableReason: score === null || assessable ? null : 'FACE_WITHOUT_PADDING',
  notAssessableCause: score === null || assessable ? null : 'framing',
  cropScaleAchieved: score === null ? null : assessable ? 2.7 : 1.2,
  faceFraction: score === null ? null : 0.5,
  qualityFailures: score === null || assessable ? [] : ['FACE_WITHOUT_PADDING'],
  facesDetected: 1,
  action: score === null ? 'fail' : !assessable ? 'manualReview' : score < threshold ? 'fail' : 'pass',
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

  it('computes APCER and BPCER on the decided presentations only, the images without a face being non-responses', () => {
    expect(summary.unusable.noFace).toEqual({ live: 1, spoof: 1, share: 2 / 9 });
    expect(summary.atThreshold.bpcer).toBe(1 / 4); // live3 of the 4 decided
    expect(summary.atThreshold.apcer).toBe(1 / 2); // print: 1 of 2; screen: 0 of 1 decided
    expect(summary.atThreshold.worstAttackType).toBe('print');
    expect(summary.atThreshold.apcerPooled).toBe(1 / 3);
    expect(summary.atThreshold.acer).toBe((1 / 2 + 1 / 4) / 2);
    expect(summary.nonResponse.bpnrr).toBe(1 / 5);
    expect(summary.nonResponse.apnrr).toBe(1 / 4);
    expect(summary.nonResponse.byReason).toEqual({ FACE_NOT_DETECTED: { live: 1, spoof: 1 } });
  });

  it('keeps the system view (non-responses counted as rejections) beside it', () => {
    expect(summary.systemView.bpcer).toBe(2 / 5);
    expect(summary.systemView.apcerPooled).toBe(1 / 4);
  });

  it('counts a not-assessable presentation as a non-response, never as a verdict, and breaks the figures down by it', () => {
    const withTight = [
      ...samples,
      sample('d__tightLive.jpg', 'live', '-', 0.05, 0.5, 'd', false),
      sample('d__tightSpoof.jpg', 'spoof', 'print', 0.95, 0.5, 'd', false),
    ];
    const s = summarizeEvaluation(withTight, 0.5);
    // Neither changes APCER or BPCER: the high-scoring tight spoof is not an accepted attack.
    expect(s.atThreshold.apcerPooled).toBe(1 / 3);
    expect(s.atThreshold.bpcer).toBe(1 / 4);
    expect(s.nonResponse.bpnrr).toBe(2 / 6);
    expect(s.nonResponse.apnrr).toBe(2 / 5);
    expect(s.nonResponse.byReason['not assessable: FACE_WITHOUT_PADDING']).toEqual({ live: 1, spoof: 1 });
    expect(s.byAssessability.notAssessable).toMatchObject({ live: 1, spoof: 1 });
    // What the raw score would have said on the refused images: both wrong.
    expect(s.byAssessability.notAssessable.scored).toMatchObject({ apcerPooled: 1, bpcer: 1 });
    expect(s.endToEnd).toMatchObject({ attacksPassed: 1 / 5, genuinePassedFirstTime: 3 / 6 });
    const d = s.bySource.find((p) => p.name === 'd')!;
    expect(d.nonResponse).toEqual({ live: 1, spoof: 1, apnrr: 1, bpnrr: 1 });
    expect(Number.isNaN(d.bpcer)).toBe(true);
  });

  it('lists per-attack-type rows and the files it got wrong, worst first', () => {
    expect(summary.perAttackType.map((t) => [t.attackType, t.count, t.accepted, t.noFace, t.apnrr])).toEqual([
      ['print', 2, 1, 0, 0],
      ['screen', 2, 0, 1, 0.5],
    ]);
    expect(summary.wrong.acceptedAttacks).toEqual([{ file: 'a__print1.jpg', attackType: 'print', score: 0.7 }]);
    expect(summary.wrong.rejectedBonaFide.map((w) => [w.file, w.reason])).toEqual([['b__live3.jpg', 'score below threshold']]);
  });

  it('agrees with the score-based metric functions, on decided presentations and in the system view', () => {
    const { bonaFide, attacks } = scoresByClass(samples, 'decided');
    expect(bpcer(bonaFide, 0.5)).toBe(summary.atThreshold.bpcer);
    expect(apcer(pooledAttacks(attacks), 0.5)).toBe(summary.atThreshold.apcerPooled);
    const system = scoresByClass(samples, 'system');
    expect(bpcer(system.bonaFide, 0.5)).toBe(summary.systemView.bpcer);
    expect(summary.counts).toEqual({ images: 9, live: 5, spoof: 4, byAttackType: { print: 2, screen: 2 } });
  });

  it('re-decides at another threshold through the decide stage without new inference', () => {
    const strict = summarizeEvaluation(redecide(samples, 0.75, 0.15), 0.75);
    expect(strict.atThreshold.apcer).toBe(0);
    expect(strict.atThreshold.bpcer).toBe(2 / 4);
    // The rules were not re-applied, so no action distribution is claimed.
    expect(strict.actions).toBeNull();
    // With the rules, the actions are worked out again from what each assessment kept.
    const ruled = summarizeEvaluation(redecide(samples, 0.75, 0.15, 'default'), 0.75);
    expect(ruled.actions!.live.pass).toBe(1); // only 0.9 is live at 0.75 and out of the borderline band
    expect(ruled.endToEnd!.genuinePassedFirstTime).toBe(1 / 5);
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
