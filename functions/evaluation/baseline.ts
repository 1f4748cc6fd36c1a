import type { EvaluationRun } from './evaluate.js';
import type { RatesAtThreshold } from './summary.js';

/**
 * The accuracy recorded on ../shared/faces at the default threshold (ISO/IEC 30107-3 on decided
 * presentations, the non-response rates and the end-to-end rates) (evaluation/baseline.json),
 * which CI must not fall below. Updated only on purpose (`npm run eval:baseline`), with the reason
 * in the commit message.
 */
export interface AccuracyBaseline
  extends Pick<RatesAtThreshold, 'apcer' | 'worstAttackType' | 'apcerPooled' | 'bpcer' | 'acer' | 'acerPooled'> {
  readonly dataset: string;
  readonly recordedOn: string;
  readonly modelVersion: string;
  readonly threshold: number;
  readonly images: { readonly live: number; readonly spoof: number };
  readonly noFace: number;
  readonly eer: number;
  readonly auc: number;
  readonly perAttackType: Readonly<Record<string, { readonly count: number; readonly apcer: number }>>;
  /** ISO/IEC 30107-3 non-response rates: presentations that got no verdict (no face, or not assessable). */
  readonly apnrr: number;
  readonly bpnrr: number;
  /** End to end under the default rules: attacks that got pass; genuine people who got pass first time. */
  readonly attacksPassed: number;
  readonly genuinePassedFirstTime: number;
  /** Per source: counts, non-response rates and, on decided presentations, APCER pooled and BPCER (null: none of that class). */
  readonly bySource: Readonly<
    Record<string, { readonly live: number; readonly spoof: number; readonly apnrr: number | null; readonly bpnrr: number | null; readonly apcer: number | null; readonly bpcer: number | null }>
  >;
  /**
   * How much worse a run may be before CI fails: ACER up by at most `acer`, AUC down by at most
   * `auc`, a non-response rate up or the genuine first-time pass rate down by at most `rate`, and
   * the share of attacks passed up by at most `attacksPassed`.
   */
  readonly tolerance: { readonly acer: number; readonly auc: number; readonly rate: number; readonly attacksPassed: number };
}

export const DEFAULT_TOLERANCE = { acer: 0.01, auc: 0.01, rate: 0.02, attacksPassed: 0.005 } as const;

const orNull = (v: number) => (Number.isNaN(v) ? null : round(v));

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function baselineFrom(run: EvaluationRun, dataset: string, recordedOn: string): AccuracyBaseline {
  const s = run.summary;
  return {
    dataset,
    recordedOn,
    modelVersion: run.modelVersion,
    threshold: run.threshold.value,
    images: { live: s.counts.live, spoof: s.counts.spoof },
    noFace: s.unusable.noFace.live + s.unusable.noFace.spoof,
    apcer: round(s.atThreshold.apcer),
    worstAttackType: s.atThreshold.worstAttackType,
    apcerPooled: round(s.atThreshold.apcerPooled),
    bpcer: round(s.atThreshold.bpcer),
    acer: round(s.atThreshold.acer),
    acerPooled: round(s.atThreshold.acerPooled),
    eer: round(s.eer.eer),
    auc: round(s.auc),
    perAttackType: Object.fromEntries(s.perAttackType.map((t) => [t.attackType, { count: t.count, apcer: round(t.apcer) }])),
    apnrr: round(s.nonResponse.apnrr),
    bpnrr: round(s.nonResponse.bpnrr),
    attacksPassed: round(s.endToEnd?.attacksPassed ?? Number.NaN),
    genuinePassedFirstTime: round(s.endToEnd?.genuinePassedFirstTime ?? Number.NaN),
    bySource: Object.fromEntries(
      s.bySource.map((p) => [
        p.name,
        { live: p.live, spoof: p.spoof, apnrr: orNull(p.nonResponse.apnrr), bpnrr: orNull(p.nonResponse.bpnrr), apcer: orNull(p.apcerPooled), bpcer: orNull(p.bpcer) },
      ]),
    ),
    tolerance: DEFAULT_TOLERANCE,
  };
}

/** What got worse than the baseline beyond its tolerance; empty when the run holds the line. */
export function regressions(current: AccuracyBaseline, baseline: AccuracyBaseline): string[] {
  const found: string[] = [];
  const { acer, auc } = baseline.tolerance;
  const worse = (name: string, now: number, then: number, limit: number) =>
    found.push(`${name} ${now.toFixed(4)} vs baseline ${then.toFixed(4)} (tolerance ${limit})`);
  if (current.acer > baseline.acer + acer) worse('ACER (worst attack type)', current.acer, baseline.acer, acer);
  if (current.acerPooled > baseline.acerPooled + acer) worse('ACER (attacks pooled)', current.acerPooled, baseline.acerPooled, acer);
  if (current.auc < baseline.auc - auc) worse('ROC AUC', current.auc, baseline.auc, auc);
  const { rate, attacksPassed } = baseline.tolerance;
  if (current.apnrr > baseline.apnrr + rate) worse('APNRR', current.apnrr, baseline.apnrr, rate);
  if (current.bpnrr > baseline.bpnrr + rate) worse('BPNRR', current.bpnrr, baseline.bpnrr, rate);
  if (current.genuinePassedFirstTime < baseline.genuinePassedFirstTime - rate) {
    worse('genuine passed first time', current.genuinePassedFirstTime, baseline.genuinePassedFirstTime, rate);
  }
  if (current.attacksPassed > baseline.attacksPassed + attacksPassed) {
    worse('attacks that got pass', current.attacksPassed, baseline.attacksPassed, attacksPassed);
  }
  return found;
}
