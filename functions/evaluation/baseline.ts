import type { EvaluationRun } from './evaluate.js';
import type { RatesAtThreshold } from './summary.js';

/**
 * The accuracy recorded on ../shared/faces at the default threshold (evaluation/baseline.json),
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
  /** How much worse a run may be before CI fails: ACER up by at most `acer`, AUC down by at most `auc`. */
  readonly tolerance: { readonly acer: number; readonly auc: number };
}

export const DEFAULT_TOLERANCE = { acer: 0.01, auc: 0.01 } as const;

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
  return found;
}
