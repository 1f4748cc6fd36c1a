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
 * ISO/IEC 30107-3 counts only the presentations the system DECIDED in APCER and BPCER: here a face
 * was found and the model could judge it (assessable). The others got no verdict (no usable face,
 * or not assessable: the API asks for a retake) and are the non-response rates APNRR (attacks) and
 * BPNRR (bona fide). The end-to-end rates a product owner reads come from the API's actions.
 * The "system view" (non-responses counted as rejections, NOT_SCORED below every threshold) is kept
 * for continuity with figures published before assessability.
 */
export const NOT_SCORED = -1;

export const BPCER_AT_APCER_TARGETS = [0.01, 0.05, 0.1] as const;

export interface AttackTypeMetrics {
  readonly attackType: string;
  readonly count: number;
  readonly noFace: number;
  /** Attacks of this type that got no verdict, and their share (APNRR of the type). */
  readonly noResponse: number;
  readonly apnrr: number;
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

/** Presentations that got no verdict, by class: no usable face or not assessable. */
export interface NonResponse {
  /** Attack presentation non-response rate: share of attacks that got no verdict. */
  readonly apnrr: number;
  /** Bona fide presentation non-response rate. */
  readonly bpnrr: number;
  readonly attacks: { readonly count: number; readonly noResponse: number };
  readonly bonaFide: { readonly count: number; readonly noResponse: number };
  /** Why, by class: FACE_NOT_DETECTED, other error codes, or the not-assessable reason. */
  readonly byReason: Readonly<Record<string, { readonly live: number; readonly spoof: number }>>;
}

/** What a product owner reads: out of every presentation, what the API's action was. */
export interface EndToEnd {
  /** Attacks that got summary.action "pass" (the fraud that gets through), out of all attacks. */
  readonly attacksPassed: number;
  /** Genuine people who got "pass" on their first attempt, out of all genuine presentations. */
  readonly genuinePassedFirstTime: number;
  /** Genuine people sent to a retake or review (manualReview), and failed. */
  readonly genuineManualReview: number;
  readonly genuineFailed: number;
}

/** The figures of one part of the set (a source, or assessable / not). */
export interface PartMetrics {
  readonly name: string;
  readonly live: number;
  readonly spoof: number;
  readonly nonResponse: { readonly live: number; readonly spoof: number; readonly apnrr: number; readonly bpnrr: number };
  /** On decided presentations (NaN when the part has none of that class). */
  readonly apcerPooled: number;
  readonly bpcer: number;
  readonly auc: number;
  /** The model's raw score against the threshold on every scored image, decided or not (why refusing helps). */
  readonly scored: { readonly live: number; readonly spoof: number; readonly apcerPooled: number; readonly bpcer: number; readonly auc: number };
  readonly endToEnd: EndToEnd | null;
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
  /** APCER, BPCER, ACER at the threshold on the presentations decided (ISO/IEC 30107-3). */
  readonly atThreshold: RatesAtThreshold;
  readonly nonResponse: NonResponse;
  /** Share of the API's actions over all presentations; null when the rules were not applied. */
  readonly endToEnd: EndToEnd | null;
  /** Non-responses counted as rejections (the figures published before assessability). */
  readonly systemView: RatesAtThreshold & { readonly auc: number };
  readonly perAttackType: readonly AttackTypeMetrics[];
  /** Pooled attacks vs bona fide, decided presentations. */
  readonly eer: { readonly eer: number; readonly threshold: number };
  readonly auc: number;
  readonly bySource: readonly PartMetrics[];
  readonly byAssessability: { readonly assessable: PartMetrics; readonly notAssessable: PartMetrics };
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

/** A verdict was given: a face was scored and the model could judge it. */
export const isDecided = (s: SampleResult): boolean => s.score !== null && s.assessable !== false;

/**
 * Attack scores by type and bona fide scores: decided presentations (ISO), every presentation with
 * non-responses below every threshold (system), or every scored face, judged or not (scored).
 */
export function scoresByClass(
  samples: readonly SampleResult[],
  view: 'decided' | 'system' | 'scored' = 'decided',
): { bonaFide: number[]; attacks: Record<string, number[]> } {
  const kept = view === 'system' ? samples : view === 'decided' ? samples.filter(isDecided) : samples.filter((s) => s.score !== null);
  const scoreIn = (s: SampleResult) => (view === 'system' && !isDecided(s) ? NOT_SCORED : scoreOf(s));
  const bonaFide = kept.filter((s) => s.label === 'live').map(scoreIn);
  const attacks: Record<string, number[]> = {};
  for (const s of kept.filter((x) => x.label === 'spoof')) (attacks[s.attackType] ??= []).push(scoreIn(s));
  return { bonaFide, attacks };
}

const shareOf = (count: number, total: number) => (total === 0 ? Number.NaN : count / total);

function endToEndOf(samples: readonly SampleResult[]): EndToEnd | null {
  if (samples.some((s) => s.action === null)) return null;
  const live = samples.filter((s) => s.label === 'live');
  const spoof = samples.filter((s) => s.label === 'spoof');
  return {
    attacksPassed: shareOf(spoof.filter((s) => s.action === 'pass').length, spoof.length),
    genuinePassedFirstTime: shareOf(live.filter((s) => s.action === 'pass').length, live.length),
    genuineManualReview: shareOf(live.filter((s) => s.action === 'manualReview').length, live.length),
    genuineFailed: shareOf(live.filter((s) => s.action === 'fail').length, live.length),
  };
}

/** Why a presentation got no verdict; null when it was decided. */
export function noResponseReason(s: SampleResult): string | null {
  if (s.outcome === 'noFace') return 'FACE_NOT_DETECTED';
  if (s.outcome === 'error') return s.errorCode ?? 'ERROR';
  return s.assessable === false ? `not assessable: ${s.notAssessableReason ?? 'unknown'}` : null;
}

/** Figures of one part of a set, decided at `threshold` (the samples carry their decisions). */
export function partMetrics(name: string, samples: readonly SampleResult[], threshold: number): PartMetrics {
  const live = samples.filter((s) => s.label === 'live');
  const spoof = samples.filter((s) => s.label === 'spoof');
  const decidedLive = live.filter(isDecided);
  const decidedSpoof = spoof.filter(isDecided);
  const liveNR = live.length - decidedLive.length;
  const spoofNR = spoof.length - decidedSpoof.length;
  const decided = scoresByClass(samples, 'decided');
  const scored = scoresByClass(samples, 'scored');
  const scoredSpoof = pooledAttacks(scored.attacks);
  return {
    name,
    live: live.length,
    spoof: spoof.length,
    nonResponse: { live: liveNR, spoof: spoofNR, apnrr: shareOf(spoofNR, spoof.length), bpnrr: shareOf(liveNR, live.length) },
    apcerPooled: shareOf(decidedSpoof.filter((s) => s.decision === 'yes').length, decidedSpoof.length),
    bpcer: shareOf(decidedLive.filter((s) => s.decision !== 'yes').length, decidedLive.length),
    auc: rocAuc(decided.bonaFide, pooledAttacks(decided.attacks)),
    scored: {
      live: scored.bonaFide.length,
      spoof: scoredSpoof.length,
      apcerPooled: shareOf(scoredSpoof.filter((x) => x >= threshold).length, scoredSpoof.length),
      bpcer: shareOf(scored.bonaFide.filter((x) => x < threshold).length, scored.bonaFide.length),
      auc: rocAuc(scored.bonaFide, scoredSpoof),
    },
    endToEnd: endToEndOf(samples),
  };
}

/** Rates from the engine's decisions: an attack is accepted when decision.value is "yes" (never when not assessable). */
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

  const decidedSamples = samples.filter(isDecided);
  const decided = scoresByClass(samples, 'decided');
  const system = scoresByClass(samples, 'system');
  const atThreshold = ratesFromDecisions(decidedSamples);
  const byAttackType = Object.fromEntries(
    [...new Set(spoof.map((s) => s.attackType))].sort((a, b) => a.localeCompare(b)).map((type) => [type, spoof.filter((s) => s.attackType === type).length]),
  );

  const perAttackType = Object.keys(byAttackType).map((attackType): AttackTypeMetrics => {
    const ofType = spoof.filter((s) => s.attackType === attackType);
    const decidedOfType = ofType.filter(isDecided);
    const accepted = decidedOfType.filter((s) => s.decision === 'yes').length;
    const apcerValue = decidedOfType.length === 0 ? 0 : accepted / decidedOfType.length;
    const scores = decided.attacks[attackType] ?? [];
    return {
      attackType,
      count: ofType.length,
      noFace: ofType.filter((s) => s.outcome !== 'scored').length,
      noResponse: ofType.length - decidedOfType.length,
      apnrr: (ofType.length - decidedOfType.length) / ofType.length,
      accepted,
      apcer: apcerValue,
      acer: acer(apcerValue, atThreshold.bpcer),
      eer: equalErrorRate(decided.bonaFide, scores).eer,
      auc: rocAuc(decided.bonaFide, scores),
    };
  });

  const byReason: Record<string, { live: number; spoof: number }> = {};
  for (const s of samples) {
    const reason = noResponseReason(s);
    if (reason) (byReason[reason] ??= { live: 0, spoof: 0 })[s.label]++;
  }
  const liveNR = live.filter((s) => !isDecided(s)).length;
  const spoofNR = spoof.filter((s) => !isDecided(s)).length;
  const systemRates = ratesFromDecisions(samples.map((s) => (isDecided(s) ? s : { ...s, decision: null })));
  const pooled = pooledAttacks(decided.attacks);
  const sources = [...new Set(samples.map((s) => s.group))].sort((a, b) => a.localeCompare(b));
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
    nonResponse: {
      apnrr: spoof.length === 0 ? 0 : spoofNR / spoof.length,
      bpnrr: live.length === 0 ? 0 : liveNR / live.length,
      attacks: { count: spoof.length, noResponse: spoofNR },
      bonaFide: { count: live.length, noResponse: liveNR },
      byReason,
    },
    endToEnd: endToEndOf(samples),
    systemView: { ...systemRates, auc: rocAuc(system.bonaFide, pooledAttacks(system.attacks)) },
    perAttackType,
    eer: equalErrorRate(decided.bonaFide, pooled),
    auc: rocAuc(decided.bonaFide, pooled),
    bySource: sources.map((source) => partMetrics(source, samples.filter((s) => s.group === source), threshold)),
    byAssessability: {
      assessable: partMetrics('assessable', samples.filter((s) => s.assessable === true), threshold),
      notAssessable: partMetrics('not assessable', samples.filter((s) => s.assessable === false), threshold),
    },
    bpcerAtApcer: BPCER_AT_APCER_TARGETS.map((targetApcer) => {
      const choice = bpcerAtApcer(decided.bonaFide, decided.attacks, targetApcer);
      return { targetApcer, bpcer: choice.bpcer, threshold: choice.threshold };
    }),
    actions: actionCounts(samples),
    wrong: {
      acceptedAttacks: spoof
        .filter((s) => isDecided(s) && s.decision === 'yes')
        .map((s) => ({ file: s.file, attackType: s.attackType, score: s.score! }))
        .sort((a, b) => b.score - a.score),
      rejectedBonaFide: live
        .filter((s) => isDecided(s) && s.decision !== 'yes')
        .map((s) => ({ file: s.file, score: s.score, reason: 'score below threshold' }))
        .sort((a, b) => (a.score ?? NOT_SCORED) - (b.score ?? NOT_SCORED)),
    },
  };
}

/** DET curve points of attacks (all, or one type) against bona fide, decided presentations, thresholds in [0, 1] and above. */
export function detPoints(samples: readonly SampleResult[], attackType?: string): OperatingPoint[] {
  const { bonaFide, attacks } = scoresByClass(samples, 'decided');
  const attackScores: AttackScores = attackType ? { [attackType]: attacks[attackType] ?? [] } : attacks;
  return operatingPoints(bonaFide, pooledAttacks(attackScores)).filter((p) => p.threshold >= 0);
}

