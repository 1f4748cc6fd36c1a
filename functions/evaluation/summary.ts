import {
  type AttackScores,
  acer,
  bpcerAtApcer,
  equalErrorRate,
  operatingPoints,
  type OperatingPoint,
  pooledAttacks,
  rocAuc,
} from './metrics.js';
import type { SampleResult } from './runner.js';

/**
 * How images without a usable face count (the API answers them 422, so nothing is accepted):
 * - system view (the default, what a user of the API sees): a spoof without a face is a rejected
 *   attack (not an APCER error); a live image without a face is a bona fide rejection (a BPCER error).
 * - scored only: images without a face are left out of both rates.
 * For the curves (EER, AUC, DET, BPCER at APCER) the system view gives unscored images a score below
 * every threshold, NOT_SCORED.
 */
export const NOT_SCORED = -1;

export const BPCER_AT_APCER_TARGETS = [0.01, 0.05, 0.1] as const;

export interface AttackTypeMetrics {
  readonly attackType: string;
  readonly count: number;
  readonly noFace: number;
  /** Attacks the engine decided live (decision.value "yes"). */
  readonly accepted: number;
  readonly apcer: number;
  /** (APCER of this type + BPCER) / 2. */
  readonly acer: number;
  readonly eer: number;
  readonly auc: number;
}

export interface RatesAtThreshold {
  /** Worst attack type's APCER (ISO/IEC 30107-3). */
  readonly apcer: number;
  readonly worstAttackType: string | null;
  /** All attacks pooled, whatever their type. */
  readonly apcerPooled: number;
  readonly bpcer: number;
  readonly acer: number;
  readonly acerPooled: number;
  readonly attacks: number;
  readonly bonaFide: number;
}

export interface EvaluationSummary {
  readonly threshold: number;
  readonly counts: {
    readonly images: number;
    readonly live: number;
    readonly spoof: number;
    readonly byAttackType: Readonly<Record<string, number>>;
  };
  /** Images with no usable face (FACE_NOT_DETECTED), and other images the engine could not judge. */
  readonly unusable: {
    readonly noFace: { readonly live: number; readonly spoof: number; readonly share: number };
    readonly errors: { readonly live: number; readonly spoof: number; readonly codes: Readonly<Record<string, number>> };
  };
  /** Rates at the threshold, system view (see NOT_SCORED). */
  readonly atThreshold: RatesAtThreshold;
  /** Rates at the threshold counting only images where a face was judged. */
  readonly scoredOnly: RatesAtThreshold;
  readonly perAttackType: readonly AttackTypeMetrics[];
  /** Pooled attacks vs bona fide, system view. */
  readonly eer: { readonly eer: number; readonly threshold: number };
  readonly auc: number;
  /** Pooled attacks vs bona fide, scored images only. */
  readonly aucScoredOnly: number;
  readonly bpcerAtApcer: readonly { readonly targetApcer: number; readonly bpcer: number; readonly threshold: number }[];
  /** The API's result.summary.action by class; null when images were re-decided without the rules. */
  readonly actions: {
    readonly live: Readonly<Record<'pass' | 'manualReview' | 'fail', number>>;
    readonly spoof: Readonly<Record<'pass' | 'manualReview' | 'fail', number>>;
  } | null;
  readonly wrong: {
    readonly acceptedAttacks: readonly { file: string; attackType: string; score: number }[];
    readonly rejectedBonaFide: readonly { file: string; score: number | null; reason: string }[];
  };
}

const scoreOf = (s: SampleResult) => s.score ?? NOT_SCORED;

/** Attack scores by type and bona fide scores, system view or scored only. */
export function scoresByClass(
  samples: readonly SampleResult[],
  view: 'system' | 'scoredOnly' = 'system',
): { bonaFide: number[]; attacks: Record<string, number[]> } {
  const kept = view === 'system' ? samples : samples.filter((s) => s.score !== null);
  const bonaFide = kept.filter((s) => s.label === 'live').map(scoreOf);
  const attacks: Record<string, number[]> = {};
  for (const s of kept.filter((x) => x.label === 'spoof')) (attacks[s.attackType] ??= []).push(scoreOf(s));
  return { bonaFide, attacks };
}

/** Rates from the engine's decisions: an attack is accepted when decision.value is "yes". */
function ratesFromDecisions(samples: readonly SampleResult[]): RatesAtThreshold {
  const attacks = samples.filter((s) => s.label === 'spoof');
  const bonaFide = samples.filter((s) => s.label === 'live');
  const byType = new Map<string, { n: number; accepted: number }>();
  for (const s of attacks) {
    const entry = byType.get(s.attackType) ?? { n: 0, accepted: 0 };
    entry.n++;
    if (s.decision === 'yes') entry.accepted++;
    byType.set(s.attackType, entry);
  }
  let worst: { apcer: number; attackType: string | null } = { apcer: 0, attackType: null };
  for (const [type, { n, accepted }] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    if (worst.attackType === null || accepted / n > worst.apcer) worst = { apcer: accepted / n, attackType: type };
  }
  const share = (count: number, total: number) => (total === 0 ? 0 : count / total);
  const apcerPooled = share(attacks.filter((s) => s.decision === 'yes').length, attacks.length);
  const bpcerValue = share(bonaFide.filter((s) => s.decision !== 'yes').length, bonaFide.length);
  return {
    apcer: worst.apcer,
    worstAttackType: worst.attackType,
    apcerPooled,
    bpcer: bpcerValue,
    acer: acer(worst.apcer, bpcerValue),
    acerPooled: acer(apcerPooled, bpcerValue),
    attacks: attacks.length,
    bonaFide: bonaFide.length,
  };
}

function actionCounts(samples: readonly SampleResult[]): EvaluationSummary['actions'] {
  if (samples.some((s) => s.action === null)) return null;
  const count = (label: 'live' | 'spoof') => {
    const counts = { pass: 0, manualReview: 0, fail: 0 };
    for (const s of samples) if (s.label === label) counts[s.action!]++;
    return counts;
  };
  return { live: count('live'), spoof: count('spoof') };
}

/** Every metric of the report from per-image results decided at `threshold`. */
export function summarizeEvaluation(samples: readonly SampleResult[], threshold: number): EvaluationSummary {
  const live = samples.filter((s) => s.label === 'live');
  const spoof = samples.filter((s) => s.label === 'spoof');
  const count = (list: readonly SampleResult[], outcome: SampleResult['outcome']) =>
    list.filter((s) => s.outcome === outcome).length;
  const codes: Record<string, number> = {};
  for (const s of samples) if (s.outcome === 'error') codes[s.errorCode ?? 'UNKNOWN'] = (codes[s.errorCode ?? 'UNKNOWN'] ?? 0) + 1;

  const system = scoresByClass(samples, 'system');
  const scored = scoresByClass(samples, 'scoredOnly');
  const atThreshold = ratesFromDecisions(samples);
  const scoredOnly = ratesFromDecisions(samples.filter((s) => s.score !== null));
  const byAttackType = Object.fromEntries(
    Object.entries(system.attacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, scores]) => [type, scores.length]),
  );

  const perAttackType = Object.keys(byAttackType).map((attackType): AttackTypeMetrics => {
    const ofType = spoof.filter((s) => s.attackType === attackType);
    const accepted = ofType.filter((s) => s.decision === 'yes').length;
    const apcerValue = accepted / ofType.length;
    return {
      attackType,
      count: ofType.length,
      noFace: ofType.filter((s) => s.score === null).length,
      accepted,
      apcer: apcerValue,
      acer: acer(apcerValue, atThreshold.bpcer),
      eer: equalErrorRate(system.bonaFide, system.attacks[attackType]!).eer,
      auc: rocAuc(system.bonaFide, system.attacks[attackType]!),
    };
  });

  const pooled = pooledAttacks(system.attacks);
  return {
    threshold,
    counts: { images: samples.length, live: live.length, spoof: spoof.length, byAttackType },
    unusable: {
      noFace: {
        live: count(live, 'noFace'),
        spoof: count(spoof, 'noFace'),
        share: samples.length === 0 ? 0 : (count(live, 'noFace') + count(spoof, 'noFace')) / samples.length,
      },
      errors: { live: count(live, 'error'), spoof: count(spoof, 'error'), codes },
    },
    atThreshold,
    scoredOnly,
    perAttackType,
    eer: equalErrorRate(system.bonaFide, pooled),
    auc: rocAuc(system.bonaFide, pooled),
    aucScoredOnly: rocAuc(scored.bonaFide, pooledAttacks(scored.attacks)),
    bpcerAtApcer: BPCER_AT_APCER_TARGETS.map((targetApcer) => {
      const choice = bpcerAtApcer(system.bonaFide, system.attacks, targetApcer);
      return { targetApcer, bpcer: choice.bpcer, threshold: choice.threshold };
    }),
    actions: actionCounts(samples),
    wrong: {
      acceptedAttacks: spoof
        .filter((s) => s.decision === 'yes')
        .map((s) => ({ file: s.file, attackType: s.attackType, score: s.score! }))
        .sort((a, b) => b.score - a.score),
      rejectedBonaFide: live
        .filter((s) => s.decision !== 'yes')
        .map((s) => ({
          file: s.file,
          score: s.score,
          reason: s.outcome === 'scored' ? 'score below threshold' : s.outcome === 'noFace' ? 'no usable face' : `error ${s.errorCode}`,
        }))
        .sort((a, b) => (a.score ?? NOT_SCORED) - (b.score ?? NOT_SCORED)),
    },
  };
}

/** DET curve points of attacks (all, or one type) against bona fide, system view, thresholds in [0, 1] and above. */
export function detPoints(samples: readonly SampleResult[], attackType?: string): OperatingPoint[] {
  const { bonaFide, attacks } = scoresByClass(samples, 'system');
  const attackScores: AttackScores = attackType ? { [attackType]: attacks[attackType] ?? [] } : attacks;
  return operatingPoints(bonaFide, pooledAttacks(attackScores)).filter((p) => p.threshold >= 0);
}

