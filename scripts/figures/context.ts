import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MethodComparison } from '../../functions/evaluation/compareMethods.js';
import { compareSet } from '../../functions/evaluation/compareCommand.js';
import { readLabelledSet } from '../../functions/evaluation/dataset.js';
import { type EvaluationRun, evaluateSet } from '../../functions/evaluation/evaluate.js';
import { LOSO_SPLIT } from '../../functions/evaluation/split.js';
import { LivenessEngine } from '../../functions/liveness/engine.js';
import { modelSpec } from '../../functions/liveness/modelRegistry.js';
import type { SampleResult } from '../../functions/evaluation/runner.js';
import { fusionSamples } from '../../functions/evaluation/fusionSamples.js';
import type { SharedFolder } from './figure.js';

/**
 * What the figures are measured from: the repository, ../shared beside it, and each measurement
 * run once however many tables quote it (the same calls `liveness eval` makes).
 */
export class FigureContext {
  readonly shared: string;
  private readonly runs = new Map<string, Promise<unknown>>();
  private engineInstance?: LivenessEngine;

  constructor(readonly root: string, shared?: string) {
    this.shared = shared ?? resolve(root, '../shared');
  }

  /** The folder as the docs name it (`../shared/faces`), whatever the absolute path. */
  folder(name: SharedFolder): string {
    return join(this.shared, name);
  }

  has(name: SharedFolder): boolean {
    return existsSync(join(this.folder(name), name === 'models/silent-face' ? 'MiniFASNetV2.onnx' : 'MANIFEST.tsv'));
  }

  private get engine(): LivenessEngine {
    return (this.engineInstance ??= new LivenessEngine());
  }

  private once<T>(key: string, run: () => Promise<T>): Promise<T> {
    if (!this.runs.has(key)) this.runs.set(key, run());
    return this.runs.get(key) as Promise<T>;
  }

  /** `liveness eval ../shared/<folder>`: every image at the default threshold. */
  evaluation(name: 'faces' | 'train-faces'): Promise<EvaluationRun> {
    return this.once(`eval:${name}`, async () => evaluateSet(await readLabelledSet(this.folder(name)), { engine: this.engine }));
  }

  /** `liveness eval ../shared/train-faces --calibrate --target-apcer <manifest's target>`: how the default threshold was chosen. */
  calibration(): Promise<EvaluationRun> {
    const { targetApcer } = calibrationRecord();
    return this.once('calibrate:train-faces', async () =>
      evaluateSet(await readLabelledSet(this.folder('train-faces')), { engine: this.engine, calibrate: { targetApcer, split: LOSO_SPLIT } }),
    );
  }

  /**
   * `npm run calibrate:fusion --pack-dir ../shared/models/silent-face`'s samples: every image of faces,
   * train-faces and every frame of sequences, scored by fr_liveness and the pack given explicitly
   * (never the installed one), through the same cache file that command keeps.
   */
  fusionSamples(): Promise<SampleResult[]> {
    return this.once('fusion:samples', () =>
      fusionSamples(this.root, this.folder('models/silent-face'), (['faces', 'train-faces', 'sequences'] as const).map((f) => this.folder(f))),
    );
  }

  /** `liveness eval ../shared/sequences --holdout-training ../shared/faces,../shared/train-faces`. */
  sequences(): Promise<MethodComparison> {
    return this.once('compare:sequences', () =>
      compareSet(this.folder('sequences'), { holdoutTraining: [this.folder('faces'), this.folder('train-faces')].join(',') }),
    );
  }
}

/** The shipped threshold's calibration record (models/manifest.json, fr_liveness.calibration). */
export function calibrationRecord(): { readonly threshold: number; readonly targetApcer: number } {
  return (modelSpec('fr_liveness') as unknown as { calibration: { threshold: number; targetApcer: number } }).calibration;
}
