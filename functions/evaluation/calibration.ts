/**
 * Calibration where it applies: on the presentations the model can judge (assessable), with every
 * source counting equally (one big source cannot set a threshold), validated by leaving one source
 * out at a time. Pure functions over per-image results; nothing here runs a model.
 */
import { MIN_PER_CLASS, MIN_SOURCES_PER_CLASS } from './calibrationMinimum.js';
import { readableThreshold } from './metrics.js';
import { reassess, redecide, type SampleResult } from './runner.js';
import { isDecided } from './summary.js';

/** Decided and all live/spoof images of one source: what calibration can use of it. */
export interface SourceCounts {
  readonly source: string;
  readonly live: { readonly decided: number; readonly all: number };
  readonly spoof: { readonly decided: number; readonly all: number };
}

/** What calibration needs, and what a set has: `enough` false means no threshold can honestly be chosen on it. */
export interface CalibrationEvidence {
  readonly enough: boolean;
  readonly minPerClass: number;
  readonly minSources: number;
  readonly sources: readonly SourceCounts[];
  /** Sources with at least minPerClass decided images of that class. */
  readonly counting: { readonly live: number; readonly spoof: number };
}

/**
 * Whether the set can calibrate: at least `minSources` sources with `minPerClass` decided attacks, and
 * as many with `minPerClass` decided genuine images (below that the rule would choose a threshold from nothing).
 */
export function calibrationEvidence(
  samples: readonly SampleResult[],
  minSources = MIN_SOURCES_PER_CLASS,
  minPerClass = MIN_PER_CLASS,
): CalibrationEvidence {
  const sources = [...new Set(samples.map((s) => s.group))].sort((a, b) => a.localeCompare(b)).map((source): SourceCounts => {
    const mine = samples.filter((s) => s.group === source);
    const count = (label: 'live' | 'spoof') => {
      const of = mine.filter((s) => s.label === label);
      return { decided: of.filter(isDecided).length, all: of.length };
    };
    return { source, live: count('live'), spoof: count('spoof') };
  });
  const counting = {
    live: sources.filter((s) => s.live.decided >= minPerClass).length,
    spoof: sources.filter((s) => s.spoof.decided >= minPerClass).length,
  };
  return { enough: counting.live >= minSources && counting.spoof >= minSources, minPerClass, minSources, sources, counting };
}

/** A set too small to calibrate on: the message carries the counts per source and what is needed. */
export class CalibrationRefused extends Error {
  override readonly name = 'CalibrationRefused';
  constructor(
    readonly evidence: CalibrationEvidence,
    what: string,
  ) {
    super(refusalText(evidence, what));
  }
}

const sources = (n: number) => `${n} source${n === 1 ? '' : 's'}`;

function refusalText(e: CalibrationEvidence, what: string): string {
  const width = Math.min(44, Math.max(8, ...e.sources.map((s) => s.source.length + 2)));
  const short = (n: number) => (n >= e.minPerClass ? 'ok' : `${e.minPerClass - n} short`);
  const cell = (c: SourceCounts['live']) => `${c.decided} of ${c.all} (${short(c.decided)})`.padEnd(22);
  return [
    `cannot calibrate on ${what}: the rule needs at least ${sources(e.minSources)} with ${e.minPerClass} or more decided attacks ` +
      `and at least ${sources(e.minSources)} with ${e.minPerClass} or more decided genuine images (decided: scored and assessable, ` +
      `a face the model can judge); it has ${sources(e.counting.spoof)} with enough attacks and ${sources(e.counting.live)} with enough genuine images.`,
    `${'source'.padEnd(width)}${'genuine decided'.padEnd(22)}attacks decided`,
    ...e.sources.map((s) => `${s.source.padEnd(width)}${cell(s.live)}${cell(s.spoof)}`.trimEnd()),
    'Add labelled images (more sources, or more of these), or evaluate at a fixed threshold with --threshold.',
  ].join('\n');
}

export interface SourceRates {
  readonly source: string;
  readonly live: number;
  readonly spoof: number;
  /** Pooled over the source's attacks; NaN when it has too few of that class to count. */
  readonly apcer: number;
  readonly bpcer: number;
}

export interface BalancedRates {
  /** Mean over the sources that count (each source equally). */
  readonly apcer: number;
  readonly bpcer: number;
  readonly sources: readonly SourceRates[];
}

const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/** Per-source APCER (pooled) and BPCER at a threshold on decided presentations, and their source-balanced means. */
export function sourceBalancedRates(samples: readonly SampleResult[], threshold: number, minPerClass = MIN_PER_CLASS): BalancedRates {
  const decided = samples.filter(isDecided);
  const sources = [...new Set(decided.map((s) => s.group))].sort((a, b) => a.localeCompare(b));
  const rows = sources.map((source): SourceRates => {
    const live = decided.filter((s) => s.group === source && s.label === 'live').map((s) => s.score!);
    const spoof = decided.filter((s) => s.group === source && s.label === 'spoof').map((s) => s.score!);
    return {
      source,
      live: live.length,
      spoof: spoof.length,
      apcer: spoof.length >= minPerClass ? spoof.filter((x) => x >= threshold).length / spoof.length : Number.NaN,
      bpcer: live.length >= minPerClass ? live.filter((x) => x < threshold).length / live.length : Number.NaN,
    };
  });
  return {
    apcer: mean(rows.map((r) => r.apcer).filter((v) => !Number.isNaN(v))),
    bpcer: mean(rows.map((r) => r.bpcer).filter((v) => !Number.isNaN(v))),
    sources: rows,
  };
}

export interface BalancedChoice {
  readonly threshold: number;
  readonly apcer: number;
  readonly bpcer: number;
}

/** The lowest threshold whose source-balanced APCER is at most the target (so the lowest balanced BPCER under it). */
export function chooseBalancedThreshold(samples: readonly SampleResult[], targetApcer: number, minPerClass = MIN_PER_CLASS): BalancedChoice {
  const scores = [...new Set(samples.filter(isDecided).map((s) => s.score!))].sort((a, b) => a - b);
  const candidates = [0, ...scores.slice(1).map((score, i) => readableThreshold(scores[i]!, score)), 1];
  for (const threshold of candidates) {
    const rates = sourceBalancedRates(samples, threshold, minPerClass);
    if (Number.isNaN(rates.apcer) || rates.apcer <= targetApcer) return { threshold, apcer: rates.apcer, bpcer: rates.bpcer };
  }
  const rates = sourceBalancedRates(samples, 1, minPerClass);
  return { threshold: 1, apcer: rates.apcer, bpcer: rates.bpcer };
}

export interface LosoFold {
  /** The source left out: the threshold was chosen on all the others, then applied to it. */
  readonly source: string;
  readonly threshold: number;
  readonly live: number;
  readonly spoof: number;
  readonly apcer: number;
  readonly bpcer: number;
}

export interface LeaveOneSourceOut {
  readonly folds: readonly LosoFold[];
  /** Means over the folds that have that class: how a threshold chosen elsewhere does on an unseen source. */
  readonly apcer: number;
  readonly bpcer: number;
  readonly thresholds: { readonly min: number; readonly max: number };
}

/** Leave-one-source-out: each source judged at the threshold the other sources choose. */
export function leaveOneSourceOut(samples: readonly SampleResult[], targetApcer: number, minPerClass = MIN_PER_CLASS): LeaveOneSourceOut {
  const decided = samples.filter(isDecided);
  const sources = [...new Set(decided.map((s) => s.group))].sort((a, b) => a.localeCompare(b));
  const folds = sources.map((source): LosoFold => {
    const { threshold } = chooseBalancedThreshold(decided.filter((s) => s.group !== source), targetApcer, minPerClass);
    const held = sourceBalancedRates(decided.filter((s) => s.group === source), threshold, 1).sources[0]!;
    return { source, threshold, live: held.live, spoof: held.spoof, apcer: held.apcer, bpcer: held.bpcer };
  });
  const counted = (pick: (f: LosoFold) => number, n: (f: LosoFold) => number) =>
    mean(folds.filter((f) => n(f) >= minPerClass).map(pick));
  const thresholds = folds.map((f) => f.threshold);
  return {
    folds,
    apcer: counted((f) => f.apcer, (f) => f.spoof),
    bpcer: counted((f) => f.bpcer, (f) => f.live),
    thresholds: { min: Math.min(...thresholds), max: Math.max(...thresholds) },
  };
}

export interface TradeoffRow {
  readonly threshold: number;
  readonly apcer: number;
  readonly bpcer: number;
  readonly sources: readonly SourceRates[];
}

export const TRADEOFF_THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99] as const;

/** Threshold → source-balanced APCER and BPCER, and each source's, on decided presentations. */
export function tradeoffTable(samples: readonly SampleResult[], thresholds: readonly number[] = TRADEOFF_THRESHOLDS): TradeoffRow[] {
  return thresholds.map((threshold) => {
    const rates = sourceBalancedRates(samples, threshold, 1);
    const counted = sourceBalancedRates(samples, threshold);
    return { threshold, apcer: counted.apcer, bpcer: counted.bpcer, sources: rates.sources };
  });
}

export interface CropScaleChoice {
  readonly minCropScale: number;
  /** A wrong verdict (attack accepted or person rejected) weighed against one retake. */
  readonly wrongVerdictCost: number;
  /** Source-balanced utility per presentation at each candidate (correct +1, wrong -cost, no verdict 0). */
  readonly utility: readonly { readonly minCropScale: number; readonly utility: number }[];
  /** The scale each leave-one-source-out fold chooses, and how many folds chose each. */
  readonly leaveOneSourceOut: Readonly<Record<string, number>>;
}

export const CROP_SCALE_GRID = [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7] as const;

/** Source-balanced mean utility of deciding at `threshold` only from `minCropScale` up. */
function cropScaleUtility(samples: readonly SampleResult[], minCropScale: number, threshold: number, cost: number): number {
  const judged = redecide(reassess(samples, minCropScale), threshold, 0);
  const sources = [...new Set(judged.map((s) => s.group))];
  return mean(
    sources.map((source) => {
      const mine = judged.filter((s) => s.group === source);
      const value = mine.reduce((u, s) => {
        if (!isDecided(s)) return u;
        const correct = (s.decision === 'yes') === (s.label === 'live');
        return u + (correct ? 1 : -cost);
      }, 0);
      return value / mine.length;
    }),
  );
}

/**
 * The minimum crop scale at which to ask the model for a verdict: the one with the best
 * source-balanced utility (smallest on ties), where a wrong verdict costs `cost` retakes; the
 * leave-one-source-out choices show how stable it is.
 */
export function chooseMinCropScale(
  samples: readonly SampleResult[],
  threshold: number,
  cost = 3,
  grid: readonly number[] = CROP_SCALE_GRID,
): CropScaleChoice {
  const scored = samples.filter((s) => s.score !== null);
  const best = (part: readonly SampleResult[]) => {
    let choice = { minCropScale: grid[0]!, utility: Number.NEGATIVE_INFINITY };
    const utility = grid.map((minCropScale) => ({ minCropScale, utility: cropScaleUtility(part, minCropScale, threshold, cost) }));
    for (const u of utility) if (u.utility > choice.utility + 1e-12) choice = u;
    return { choice, utility };
  };
  const all = best(scored);
  const folds: Record<string, number> = {};
  for (const source of new Set(scored.map((s) => s.group))) {
    const chosen = best(scored.filter((s) => s.group !== source)).choice.minCropScale;
    folds[String(chosen)] = (folds[String(chosen)] ?? 0) + 1;
  }
  return { minCropScale: all.choice.minCropScale, wrongVerdictCost: cost, utility: all.utility, leaveOneSourceOut: folds };
}
