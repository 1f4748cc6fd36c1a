/**
 * Presentation attack detection metrics (ISO/IEC 30107-3 vocabulary) as small pure functions.
 *
 * Scores are the probability of a live person (bona fide presentation); a presentation is accepted
 * as bona fide when score >= threshold, exactly as the engine's decide stage does.
 * - APCER of one PAI species (attack type): share of that species' attacks accepted as bona fide.
 *   The APCER of a system is the worst (maximum) APCER over the species, as ISO/IEC 30107-3 reports it.
 * - BPCER: share of bona fide presentations rejected as attacks.
 * - ACER = (APCER + BPCER) / 2: the OULU-NPU convention; ISO/IEC 30107-3 itself does not define it.
 */

/** Attack scores grouped by attack type (PAI species), e.g. { print: [...], screen: [...] }. */
export type AttackScores = Readonly<Record<string, readonly number[]>>;

const share = (count: number, total: number): number => (total === 0 ? 0 : count / total);

/** APCER of one species: share of its attacks with score >= threshold. */
export function apcer(attackScores: readonly number[], threshold: number): number {
  return share(attackScores.filter((s) => s >= threshold).length, attackScores.length);
}

/** BPCER: share of bona fide presentations with score < threshold. */
export function bpcer(bonaFideScores: readonly number[], threshold: number): number {
  return share(bonaFideScores.filter((s) => s < threshold).length, bonaFideScores.length);
}

export const acer = (apcerValue: number, bpcerValue: number): number => (apcerValue + bpcerValue) / 2;

/** APCER per attack type at a threshold. */
export function apcerByType(attacks: AttackScores, threshold: number): Record<string, number> {
  return Object.fromEntries(Object.entries(attacks).map(([type, scores]) => [type, apcer(scores, threshold)]));
}

/** The system's APCER: the worst attack type's (ISO/IEC 30107-3); 0 when there are no attacks. */
export function maxApcer(attacks: AttackScores, threshold: number): { apcer: number; attackType: string | null } {
  let worst: { apcer: number; attackType: string | null } = { apcer: 0, attackType: null };
  for (const [type, value] of Object.entries(apcerByType(attacks, threshold))) {
    if (attacks[type]!.length > 0 && (worst.attackType === null || value > worst.apcer)) {
      worst = { apcer: value, attackType: type };
    }
  }
  return worst;
}

export const pooledAttacks = (attacks: AttackScores): number[] => Object.values(attacks).flat();

/** ROC AUC: probability that a random bona fide scores above a random attack, ties counting half. */
export function rocAuc(bonaFideScores: readonly number[], attackScores: readonly number[]): number {
  if (bonaFideScores.length === 0 || attackScores.length === 0) return Number.NaN;
  // Rank-sum (Mann-Whitney U) with average ranks for ties: O(n log n).
  const all = [
    ...bonaFideScores.map((score) => ({ score, bonaFide: true })),
    ...attackScores.map((score) => ({ score, bonaFide: false })),
  ].sort((a, b) => a.score - b.score);
  let bonaFideRankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.bonaFide) bonaFideRankSum += averageRank;
    i = j;
  }
  const nb = bonaFideScores.length;
  return (bonaFideRankSum - (nb * (nb + 1)) / 2) / (nb * attackScores.length);
}

export interface OperatingPoint {
  /** Accept as bona fide when score >= threshold; Infinity rejects everything. */
  readonly threshold: number;
  readonly apcer: number;
  readonly bpcer: number;
}

/**
 * Every distinct operating point, thresholds ascending: one per distinct score, then "reject all".
 * APCER falls and BPCER rises along the list.
 */
export function operatingPoints(bonaFideScores: readonly number[], attackScores: readonly number[]): OperatingPoint[] {
  const thresholds = [...new Set([...bonaFideScores, ...attackScores])].sort((a, b) => a - b);
  thresholds.push(Number.POSITIVE_INFINITY);
  return thresholds.map((threshold) => ({
    threshold,
    apcer: apcer(attackScores, threshold),
    bpcer: bpcer(bonaFideScores, threshold),
  }));
}

/**
 * Equal error rate: where the operating curve, joined by straight lines between consecutive
 * operating points, crosses APCER = BPCER. `threshold` is the first threshold with BPCER >= APCER.
 */
export function equalErrorRate(
  bonaFideScores: readonly number[],
  attackScores: readonly number[],
): { eer: number; threshold: number } {
  if (bonaFideScores.length === 0 || attackScores.length === 0) return { eer: Number.NaN, threshold: Number.NaN };
  const points = operatingPoints(bonaFideScores, attackScores);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.bpcer < p.apcer) continue;
    const q = i === 0 ? p : points[i - 1]!;
    const before = q.apcer - q.bpcer; // > 0
    const after = p.apcer - p.bpcer; // <= 0
    const lambda = before === after ? 0 : before / (before - after);
    return { eer: q.apcer + lambda * (p.apcer - q.apcer), threshold: p.threshold };
  }
  // Unreachable: the last point rejects everything (APCER 0, BPCER 1).
  return { eer: Number.NaN, threshold: Number.NaN };
}

/** The shortest decimal in (low, high], so a chosen threshold reads well and decides the same. */
export function readableThreshold(low: number, high: number): number {
  for (let decimals = 1; decimals <= 6; decimals++) {
    const f = 10 ** decimals;
    const candidate = Math.ceil(((low + high) / 2) * f) / f;
    if (candidate > low && candidate <= high) return candidate;
    const down = Math.floor(((low + high) / 2) * f) / f;
    if (down > low && down <= high) return down;
  }
  return (low + high) / 2;
}

export interface ThresholdChoice {
  readonly threshold: number;
  /** Worst attack type's APCER at that threshold (ISO/IEC 30107-3), and which type. */
  readonly apcer: number;
  readonly worstAttackType: string | null;
  readonly bpcer: number;
}

/**
 * The lowest threshold whose APCER (worst attack type) is at most `targetApcer`: the one with the
 * smallest BPCER under that constraint. The threshold is placed between two observed scores, not on one.
 */
export function thresholdForApcer(
  bonaFideScores: readonly number[],
  attacks: AttackScores,
  targetApcer: number,
): ThresholdChoice {
  const scores = [...new Set([...bonaFideScores, ...pooledAttacks(attacks)])].sort((a, b) => a - b);
  const choose = (threshold: number): ThresholdChoice => {
    const worst = maxApcer(attacks, threshold);
    return { threshold, apcer: worst.apcer, worstAttackType: worst.attackType, bpcer: bpcer(bonaFideScores, threshold) };
  };
  for (let i = 0; i < scores.length; i++) {
    if (maxApcer(attacks, scores[i]!).apcer > targetApcer) continue;
    if (i === 0) return choose(0);
    return choose(readableThreshold(scores[i - 1]!, scores[i]!));
  }
  // Only rejecting every observed score meets the target: halfway from the top score to 1.
  const top = scores.at(-1) ?? 0;
  return choose(top < 1 ? readableThreshold(top, (top + 1) / 2) : Number.POSITIVE_INFINITY);
}

/** BPCER at a fixed APCER (worst attack type), e.g. BPCER at APCER 5% ("BPCER20"). */
export function bpcerAtApcer(bonaFideScores: readonly number[], attacks: AttackScores, targetApcer: number): ThresholdChoice {
  return thresholdForApcer(bonaFideScores, attacks, targetApcer);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9): DET axes. */
export function probit(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
