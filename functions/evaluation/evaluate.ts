import { LivenessEngine } from '../liveness/engine.js';
import { modelSpec, modelVersion } from '../liveness/modelRegistry.js';
import type { LabelledSet } from './dataset.js';
import { type ThresholdChoice, thresholdForApcer } from './metrics.js';
import { redecide, runEvaluation, type SampleResult } from './runner.js';
import {
  type BalancedChoice,
  CalibrationRefused,
  calibrationEvidence,
  chooseBalancedThreshold,
  type LeaveOneSourceOut,
  leaveOneSourceOut,
  type TradeoffRow,
  tradeoffTable,
} from './calibration.js';
import { LOSO_SPLIT, parseSplit, SplitError, splitByGroup } from './split.js';
import { type EvaluationSummary, scoresByClass, summarizeEvaluation } from './summary.js';

export interface EvaluateOptions {
  /** Evaluate at this threshold; default: the engine's calibrated default. */
  readonly threshold?: number;
  /** Choose the threshold on one split for this APCER (worst attack type) and report on the other. */
  readonly calibrate?: { readonly targetApcer: number; readonly split: string };
  readonly engine?: LivenessEngine;
  /** Decision rules document for the API's summary.action (default: "default", every plan's today). */
  readonly rules?: string;
  readonly onSample?: (done: number, total: number, sample: SampleResult) => void;
}

export interface SplitDescription {
  readonly name: string;
  readonly rule: string;
  readonly groupedBy: string;
  readonly calibrationGroups: readonly string[];
  readonly reportGroups: readonly string[];
  readonly calibrationCounts: { readonly live: number; readonly spoof: number };
  readonly reportCounts: { readonly live: number; readonly spoof: number };
}

/** Everything `liveness eval` prints and writes. */
export interface EvaluationRun {
  readonly dataset: {
    readonly root: string;
    readonly layout: LabelledSet['layout'];
    readonly groupedBy: string;
    readonly images: number;
    readonly ignored: Readonly<Record<string, number>>;
  };
  readonly modelVersion: string;
  readonly threshold: { readonly value: number; readonly source: 'default' | 'flag' | 'calibrated' };
  /** Present with --calibrate --split loso (the default): the source-balanced leave-one-source-out calibration. */
  readonly leaveOneSourceOut?: {
    readonly targetApcer: number;
    readonly rule: string;
    readonly groupedBy: string;
    readonly choice: BalancedChoice;
    /** Each source judged at the threshold the others choose. */
    readonly heldOut: LeaveOneSourceOut;
    readonly tradeoff: readonly TradeoffRow[];
  };
  /** Present with --calibrate and a two-sided split: how the threshold was chosen. */
  readonly calibration?: {
    readonly targetApcer: number;
    readonly split: SplitDescription;
    readonly choice: ThresholdChoice;
    /** Metrics on the images the threshold was chosen on: optimistic by construction. */
    readonly onCalibrationSplit: EvaluationSummary;
  };
  /** Metrics on the reported images: the whole set, or with --calibrate the report split only. */
  readonly summary: EvaluationSummary;
  /** Which images `summary` covers. */
  readonly reportedOn: string;
  readonly samples: readonly SampleResult[];
}

const classCounts = (samples: readonly { label: string }[]) => ({
  live: samples.filter((s) => s.label === 'live').length,
  spoof: samples.filter((s) => s.label === 'spoof').length,
});

/** Runs the engine over a labelled set once, then summarises (and with `calibrate`, chooses the threshold first). */
export async function evaluateSet(set: LabelledSet, options: EvaluateOptions = {}): Promise<EvaluationRun> {
  if (options.calibrate && options.threshold !== undefined) {
    throw new SplitError('a threshold cannot be both given and calibrated');
  }
  if (options.calibrate?.split === LOSO_SPLIT) return calibrateLeaveOneSourceOut(set, options, options.calibrate.targetApcer);
  // Check the split before any inference: a lopsided split fails fast.
  const split = options.calibrate ? parseSplit(options.calibrate.split) : undefined;
  if (split) {
    const parts = splitByGroup(set.images, split);
    const sides = { calibration: classCounts(parts.calibration), report: classCounts(parts.report) };
    const emptySide = (['live', 'spoof'] as const).find((label) => sides.calibration[label] === 0 || sides.report[label] === 0);
    if (emptySide) {
      throw new SplitError(
        `split ${split.name} leaves a side without ${emptySide} images (calibration ${JSON.stringify(sides.calibration)}, ` +
          `report ${JSON.stringify(sides.report)}): choose another split`,
      );
    }
  }
  const engine = options.engine ?? new LivenessEngine();
  const ignored: Record<string, number> = {};
  for (const { label } of set.ignored) ignored[label] = (ignored[label] ?? 0) + 1;
  const base = {
    dataset: { root: set.root, layout: set.layout, groupedBy: set.groupedBy, images: set.images.length, ignored },
    modelVersion: modelVersion(modelSpec('fr_liveness')),
  };
  const progress = (offset: number) =>
    options.onSample && ((done: number, _total: number, sample: SampleResult) => options.onSample!(offset + done, set.images.length, sample));

  if (!options.calibrate || !split) {
    const threshold = options.threshold ?? engine.config.threshold;
    const samples = await runEvaluation(engine, set.images, { threshold, rules: options.rules, onSample: progress(0) });
    return {
      ...base,
      threshold: { value: threshold, source: options.threshold === undefined ? 'default' : 'flag' },
      summary: summarizeEvaluation(samples, threshold),
      reportedOn: `all ${samples.length} live/spoof images`,
      samples,
    };
  }

  // Each image is judged once: the calibration split first (its scores choose the threshold), then
  // the report split by the engine at the chosen threshold, so its decisions and actions are the API's.
  const images = splitByGroup(set.images, split);
  const onCalibration = await runEvaluation(engine, images.calibration, {
    threshold: engine.config.threshold,
    rules: options.rules,
    onSample: progress(0),
  });
  // The split's rule pools the calibration side: one source with enough of each class is its floor.
  const evidence = calibrationEvidence(onCalibration, 1);
  if (!evidence.enough) throw new CalibrationRefused(evidence, `the calibration side of ${split.name}`);
  const { bonaFide, attacks } = scoresByClass(onCalibration, 'decided');
  const choice = thresholdForApcer(bonaFide, attacks, options.calibrate.targetApcer);
  const onReport = await runEvaluation(engine, images.report, {
    threshold: choice.threshold,
    rules: options.rules,
    onSample: progress(images.calibration.length),
  });
  const calibrated = redecide(onCalibration, choice.threshold, engine.config.borderline);
  const description: SplitDescription = {
    name: split.name,
    rule: split.rule,
    groupedBy: set.groupedBy,
    calibrationGroups: images.calibrationGroups,
    reportGroups: images.reportGroups,
    calibrationCounts: classCounts(images.calibration),
    reportCounts: classCounts(images.report),
  };
  const order = new Map(set.images.map((image, i) => [image.file, i]));
  return {
    ...base,
    threshold: { value: choice.threshold, source: 'calibrated' },
    calibration: {
      targetApcer: options.calibrate.targetApcer,
      split: description,
      choice,
      onCalibrationSplit: summarizeEvaluation(calibrated, choice.threshold),
    },
    summary: summarizeEvaluation(onReport, choice.threshold),
    reportedOn: `report split of ${split.name}: ${onReport.length} images (${description.reportCounts.live} live, ${description.reportCounts.spoof} spoof) from groups not used to choose the threshold`,
    samples: [...calibrated, ...onReport].sort((x, y) => order.get(x.file)! - order.get(y.file)!),
  };
}

/** The rule `--calibrate --split loso` applies, in words (recorded in models/manifest.json). */
export const LOSO_RULE =
  'assessable presentations only; the lowest threshold whose source-balanced APCER (mean over sources of each source\'s pooled APCER, ' +
  'sources with at least 5 decided attacks) is at most the target; validated by leaving one source out at a time';

/**
 * Every image judged once at the default threshold; the threshold is then chosen on the assessable
 * presentations with each source counting equally, and each source is also judged at the threshold
 * the other sources choose (the honest estimate for an unseen camera).
 */
async function calibrateLeaveOneSourceOut(set: LabelledSet, options: EvaluateOptions, targetApcer: number): Promise<EvaluationRun> {
  const engine = options.engine ?? new LivenessEngine();
  const ignored: Record<string, number> = {};
  for (const { label } of set.ignored) ignored[label] = (ignored[label] ?? 0) + 1;
  const judged = await runEvaluation(engine, set.images, {
    threshold: engine.config.threshold,
    rules: options.rules,
    onSample: options.onSample,
  });
  const evidence = calibrationEvidence(judged);
  if (!evidence.enough) throw new CalibrationRefused(evidence, set.root);
  const choice = chooseBalancedThreshold(judged, targetApcer);
  const samples = redecide(judged, choice.threshold, engine.config.borderline, options.rules ?? 'default');
  const sources = new Set(samples.map((s) => s.group)).size;
  return {
    dataset: { root: set.root, layout: set.layout, groupedBy: set.groupedBy, images: set.images.length, ignored },
    modelVersion: modelVersion(modelSpec('fr_liveness')),
    threshold: { value: choice.threshold, source: 'calibrated' },
    leaveOneSourceOut: {
      targetApcer,
      rule: LOSO_RULE,
      groupedBy: set.groupedBy,
      choice,
      heldOut: leaveOneSourceOut(judged, targetApcer),
      tradeoff: tradeoffTable(judged),
    },
    summary: summarizeEvaluation(samples, choice.threshold),
    reportedOn: `all ${samples.length} images of ${sources} sources at the threshold chosen on them (optimistic: see the leave-one-source-out figures)`,
    samples,
  };
}
