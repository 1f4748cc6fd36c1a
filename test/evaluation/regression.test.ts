import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AccuracyBaseline, baselineFrom, regressions } from '../../functions/evaluation/baseline.js';
import { readLabelledSet } from '../../functions/evaluation/dataset.js';
import { type EvaluationRun, evaluateSet } from '../../functions/evaluation/evaluate.js';
import { DEFAULT_THRESHOLD } from '../../functions/liveness/engine.js';
import { SHARED_FACES, skipReasonWithoutFaces } from '../helpers/faces.js';

const baselinePath = resolve(import.meta.dirname, '../../evaluation/baseline.json');
const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as AccuracyBaseline;

/**
 * The accuracy gate: the whole engine (the same LivenessEngine.check as the API) on ../shared/faces
 * at the default threshold must not be worse than evaluation/baseline.json beyond its tolerance:
 * ACER (decided presentations) up by at most 0.01, ROC AUC down by at most 0.01, APNRR or BPNRR up
 * or genuine first-time passes down by at most 0.02, attacks passed up by at most 0.005.
 * Re-record on purpose: npm run eval:baseline.
 */
describe.skipIf(skipReasonWithoutFaces('accuracy regression gate'))('accuracy against the recorded baseline', () => {
  let run: EvaluationRun;
  let current: AccuracyBaseline;

  beforeAll(async () => {
    run = await evaluateSet(await readLabelledSet(SHARED_FACES));
    current = baselineFrom(run, baseline.dataset, baseline.recordedOn);
    console.log(
      `accuracy on ${SHARED_FACES} at threshold ${current.threshold}: ACER ${current.acer} (baseline ${baseline.acer}), ` +
        `ACER pooled ${current.acerPooled} (baseline ${baseline.acerPooled}), AUC ${current.auc} (baseline ${baseline.auc}), ` +
        `APCER ${current.apcer} BPCER ${current.bpcer}, APNRR ${current.apnrr} BPNRR ${current.bpnrr}, ` +
        `attacks passed ${current.attacksPassed}, genuine passed first time ${current.genuinePassedFirstTime}, no face ${current.noFace}`,
    );
  });

  it('was recorded at the default threshold on the same images (otherwise re-record it on purpose)', () => {
    expect(baseline.threshold, 'the default threshold changed: npm run eval:baseline, and say why').toBe(DEFAULT_THRESHOLD);
    expect(current.images).toEqual(baseline.images);
    expect(current.modelVersion).toBe(baseline.modelVersion);
  });

  it('does not worsen ACER, ROC AUC, the non-response rates or the end-to-end rates beyond the tolerance', () => {
    expect(regressions(current, baseline)).toEqual([]);
  });

  it('records the ISO/IEC 30107-3 figures whole: non-response and end-to-end rates, and every source', () => {
    for (const key of ['apnrr', 'bpnrr', 'attacksPassed', 'genuinePassedFirstTime'] as const) {
      expect(baseline[key], key).toBeGreaterThanOrEqual(0);
      expect(baseline[key], key).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(current.bySource).sort()).toEqual(Object.keys(baseline.bySource).sort());
    for (const [source, figures] of Object.entries(current.bySource)) {
      expect({ live: figures.live, spoof: figures.spoof }, source).toEqual({ live: baseline.bySource[source]!.live, spoof: baseline.bySource[source]!.spoof });
    }
  });

  it('never passes an attack the model could not judge', () => {
    const passedUnjudged = run.samples.filter((s) => s.label === 'spoof' && s.assessable === false && s.action === 'pass');
    expect(passedUnjudged).toEqual([]);
  });

  it('does not lose faces: the count of images with no usable face does not grow', () => {
    expect(current.noFace).toBeLessThanOrEqual(baseline.noFace);
  });

  it('the gate itself trips on a worse run', () => {
    const worse = { ...current, acer: baseline.acer + 0.02, auc: baseline.auc - 0.05 };
    expect(regressions(worse, baseline)).toHaveLength(2);
    const moreRetakes = { ...current, bpnrr: baseline.bpnrr + 0.05, attacksPassed: baseline.attacksPassed + 0.02 };
    expect(regressions(moreRetakes, baseline)).toHaveLength(2);
  });

  it("counts from the engine's own decisions: each accepted attack was decided yes at the threshold", () => {
    for (const wrong of run.summary.wrong.acceptedAttacks) expect(wrong.score).toBeGreaterThanOrEqual(run.threshold.value);
    const decidedAttacks = run.samples.filter((s) => s.label === 'spoof' && s.score !== null && s.assessable === true);
    const accepted = decidedAttacks.filter((s) => s.decision === 'yes').length;
    expect(accepted / decidedAttacks.length).toBeCloseTo(current.apcerPooled, 5);
  });
});
