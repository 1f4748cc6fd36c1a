import { createHash } from 'node:crypto';
import { apcerAtBpcer } from '../evaluation/compareMethods.js';
import { apcer, bpcer, rocAuc } from '../evaluation/metrics.js';
import { DEFAULT_THRESHOLD } from '../liveness/engine.js';
import { FEATURE_SETS, type FeatureSetName, usesPack } from '../liveness/merged/evidence.js';
import { headLogit, type LivenessHead } from '../liveness/merged/head.js';
import { sigmoid } from '../liveness/stages/score.js';
import type { TrainingSample } from './features.js';
import { fitLogistic, sourceBalancedWeights } from './logistic.js';

export interface TrainOptions {
  readonly featureSets: readonly FeatureSetName[];
  readonly lambdas: readonly number[];
  /** Recorded in the head; the fit is deterministic (Newton's method from zero), the seed orders nothing yet. */
  readonly seed: number;
  /** The head's id (liveness_head; with a model pack, liveness_head_<pack>). */
  readonly id?: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  // Pack feature sets only when the evidence has a pack's models (trainCommand adds them).
  featureSets: (Object.keys(FEATURE_SETS) as FeatureSetName[]).filter((set) => !usesPack(set)),
  lambdas: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
  seed: 1,
};

/** Figures of one scorer on out-of-fold scores. */
export interface ValidationFigures {
  /** Mean over sources with both classes of the AUC within that source (the selection criterion). */
  readonly meanWithinSourceAuc: number;
  readonly pooledAuc: number;
  readonly apcer: number;
  readonly bpcer: number;
  readonly threshold: number;
  readonly perSource: Readonly<Record<string, { readonly live: number; readonly spoof: number; readonly auc: number | null }>>;
}

export function validationFigures(
  samples: readonly TrainingSample[],
  scores: readonly number[],
  threshold: number,
): ValidationFigures {
  const live = (list: readonly number[], of: readonly TrainingSample[]) => list.filter((_, i) => of[i]!.label === 'live');
  const spoof = (list: readonly number[], of: readonly TrainingSample[]) => list.filter((_, i) => of[i]!.label === 'spoof');
  const perSource: Record<string, { live: number; spoof: number; auc: number | null }> = {};
  for (const group of [...new Set(samples.map((s) => s.group))].sort()) {
    const idx = samples.map((s, i) => (s.group === group ? i : -1)).filter((i) => i >= 0);
    const of = idx.map((i) => samples[i]!);
    const sc = idx.map((i) => scores[i]!);
    const l = live(sc, of);
    const p = spoof(sc, of);
    perSource[group] = { live: l.length, spoof: p.length, auc: l.length > 0 && p.length > 0 ? rocAuc(l, p) : null };
  }
  const aucs = Object.values(perSource).flatMap((s) => (s.auc === null ? [] : [s.auc]));
  return {
    meanWithinSourceAuc: aucs.reduce((a, b) => a + b, 0) / aucs.length,
    pooledAuc: rocAuc(live(scores, samples), spoof(scores, samples)),
    apcer: apcer(spoof(scores, samples), threshold),
    bpcer: bpcer(live(scores, samples), threshold),
    threshold,
    perSource,
  };
}

/** The test of "merged beats faster": APCER of each at the faster level's BPCER (its default threshold). */
function equalBpcerComparison(samples: readonly TrainingSample[], mergedScores: readonly number[]) {
  const live = (scores: readonly number[]) => scores.filter((_, i) => samples[i]!.label === 'live');
  const spoof = (scores: readonly number[]) => scores.filter((_, i) => samples[i]!.label === 'spoof');
  const faster = samples.map((s) => s.fasterScore);
  const target = bpcer(live(faster), DEFAULT_THRESHOLD);
  return {
    bpcer: target,
    fasterApcer: apcer(spoof(faster), DEFAULT_THRESHOLD),
    mergedApcer: apcerAtBpcer(live(mergedScores), spoof(mergedScores), target),
  };
}

const featuresOf = (set: FeatureSetName, samples: readonly TrainingSample[]) => samples.map((s) => FEATURE_SETS[set](s.evidence));

/** Fits one head on the samples. */
export function fitHead(samples: readonly TrainingSample[], featureSet: FeatureSetName, lambda: number) {
  return fitLogistic(
    featuresOf(featureSet, samples),
    samples.map((s) => (s.label === 'live' ? 1 : 0)),
    sourceBalancedWeights(samples),
    lambda,
  );
}

/** Out-of-fold live probabilities: each source scored by a head trained on all the other sources. */
export function leaveOneSourceOutScores(samples: readonly TrainingSample[], featureSet: FeatureSetName, lambda: number): number[] {
  const scores = new Array<number>(samples.length);
  for (const group of new Set(samples.map((s) => s.group))) {
    const train = samples.filter((s) => s.group !== group);
    const model = fitHead(train, featureSet, lambda);
    samples.forEach((s, i) => {
      if (s.group === group) scores[i] = sigmoid(headLogit(model, FEATURE_SETS[featureSet](s.evidence)));
    });
  }
  return scores;
}

export interface TrainingResult {
  readonly head: LivenessHead & Record<string, unknown>;
  readonly grid: { featureSet: FeatureSetName; lambda: number; meanWithinSourceAuc: number; pooledAuc: number }[];
}

const HEAD_THRESHOLD = 0.5;

/** sha256 of every sample's label, source and model outputs, in id order. */
export function evidenceChecksum(samples: readonly TrainingSample[]): string {
  const rows = samples.map((s) => [s.id, s.label, s.group, s.evidence, s.fasterScore]);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/**
 * Chooses the feature set and L2 strength by leave-one-source-out mean within-source AUC, then fits
 * the shipped head on every sample. The chosen row's figures are reported beside the faster level's
 * on the same samples; they are the selection's own figures (optimistic), said so in the head.
 */
export function trainHead(
  given: readonly TrainingSample[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  onRow?: (row: TrainingResult['grid'][number]) => void,
): TrainingResult {
  // The images, not the order folders and manifests list them in, decide every sum: same data, same bytes.
  const samples = [...given].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const grid: TrainingResult['grid'] = [];
  let best: { featureSet: FeatureSetName; lambda: number; scores: number[]; criterion: number } | undefined;
  for (const featureSet of options.featureSets) {
    for (const lambda of options.lambdas) {
      const scores = leaveOneSourceOutScores(samples, featureSet, lambda);
      const figures = validationFigures(samples, scores, HEAD_THRESHOLD);
      const row = { featureSet, lambda, meanWithinSourceAuc: figures.meanWithinSourceAuc, pooledAuc: figures.pooledAuc };
      grid.push(row);
      onRow?.(row);
      if (!best || figures.meanWithinSourceAuc > best.criterion) {
        best = { featureSet, lambda, scores, criterion: figures.meanWithinSourceAuc };
      }
    }
  }
  const chosen = best!;
  const model = fitHead(samples, chosen.featureSet, chosen.lambda);
  const round = (v: number) => Number(v.toPrecision(8));
  const trainingData = samples.map((s) => s.id).sort();
  const head = {
    id: options.id ?? 'liveness_head',
    version: '1.0.0',
    featureSet: chosen.featureSet,
    threshold: HEAD_THRESHOLD,
    mean: model.mean.map(round),
    scale: model.scale.map(round),
    weights: model.weights.map(round),
    bias: round(model.bias),
    training: {
      method: 'source-balanced L2 logistic regression (Newton), standardised features; each (source, label) cell weighs the same, live and spoof weigh the same',
      lambda: chosen.lambda,
      seed: options.seed,
      selection: 'feature set and lambda maximising the leave-one-source-out mean within-source AUC (source = source_repo)',
      grid,
      samples: samples.length,
      sources: [...new Set(samples.map((s) => s.group))].sort(),
      trainingDataSha256: createHash('sha256').update(trainingData.join('\n')).digest('hex'),
      // What the models said of those images: if two heads trained on the same list differ, this says whether the evidence did.
      evidenceSha256: evidenceChecksum(samples),
      trainingData,
    },
    validation: {
      note: 'leave-one-source-out out-of-fold figures of the chosen row; the row was chosen on these same folds, so they are optimistic',
      merged: validationFigures(samples, chosen.scores, HEAD_THRESHOLD),
      faster: validationFigures(samples, samples.map((s) => s.fasterScore), DEFAULT_THRESHOLD),
      atFasterBpcer: equalBpcerComparison(samples, chosen.scores),
    },
  };
  return { head, grid };
}

/** sha256 of the head's JSON text without its own `sha256` field, as written to models/. */
export function headChecksum(head: Record<string, unknown>): string {
  const { sha256: _omit, ...rest } = head;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/**
 * The shipped head's recipe (feature set, lambda) refitted without one source: how a presentation
 * from that source is scored honestly when the shipped head saw it in training.
 */
export function headWithoutSource(
  samples: readonly TrainingSample[],
  shipped: Pick<LivenessHead, 'featureSet' | 'threshold' | 'version'> & { readonly training?: { readonly lambda?: number } },
  source: string,
): LivenessHead & { sha256: string } {
  const model = fitHead(
    samples.filter((s) => s.group !== source),
    shipped.featureSet,
    shipped.training?.lambda ?? 0.1,
  );
  return {
    id: `liveness_head_without_${source}`,
    version: shipped.version,
    featureSet: shipped.featureSet,
    threshold: shipped.threshold,
    mean: model.mean,
    scale: model.scale,
    weights: model.weights,
    bias: model.bias,
    sha256: 'not-shipped',
  };
}
