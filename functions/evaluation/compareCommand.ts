import { DEFAULT_THRESHOLD, LivenessEngine } from '../liveness/engine.js';
import { fusionFor } from '../liveness/fusion.js';
import { ModelRegistry } from '../liveness/modelRegistry.js';
import { MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import { DEFAULT_FEATURE_CACHE } from '../training/featureCache.js';
import { extractFeatures } from '../training/features.js';
import { headWithoutSource } from '../training/train.js';
import { comparePresentations, formatComparison, type MethodComparison, summarizeComparison } from './compareMethods.js';
import { SplitError } from './split.js';
import { compareMethods, methodComparisonMarkdown, packMethods } from './modelComparison.js';
import { runEvaluation } from './runner.js';
import { labelledFrames, readPresentations } from './sequences.js';

/** The parts of `liveness eval`'s flags the comparison reads. */
export interface CompareFlags {
  readonly json?: boolean;
  readonly threshold?: number;
  readonly calibrate?: boolean;
  readonly holdoutTraining?: string;
}

/** Faster vs merged on the presentations of `dir`, each level at its shipped threshold. */
export async function compareSet(
  dir: string,
  options: { readonly holdoutTraining?: string; readonly onPresentation?: (done: number, total: number) => void } = {},
): Promise<MethodComparison> {
  const set = await readPresentations(dir);
  const engine = new LivenessEngine();
  const shipped = new MergedLiveness(engine);
  const seen = new Set((shipped.head as unknown as { training?: { sources?: string[] } }).training?.sources ?? []);
  let mergedFor: ((group: string) => { merged: MergedLiveness; sourceSeen: boolean }) | undefined;
  if (options.holdoutTraining) {
    // Sources the shipped head saw are scored by the same recipe refitted without them (leave-one-source-out).
    const { samples } = await extractFeatures(options.holdoutTraining.split(',').map((d) => d.trim()).filter(Boolean), {
      cacheFile: DEFAULT_FEATURE_CACHE,
    });
    const refitted = new Map<string, MergedLiveness>();
    mergedFor = (group) => {
      if (!seen.has(group)) return { merged: shipped, sourceSeen: false };
      let merged = refitted.get(group);
      if (!merged) refitted.set(group, (merged = new MergedLiveness(engine, headWithoutSource(samples, shipped.head, group))));
      return { merged, sourceSeen: false };
    };
  }
  const rows = await comparePresentations(set, {
    engine,
    ...(mergedFor ? { mergedFor } : {}),
    ...(options.onPresentation ? { onPresentation: options.onPresentation } : {}),
  });
  return summarizeComparison(set.kind, rows, shipped.head.threshold);
}

/** `liveness eval --compare` (and any sequences folder): faster vs merged on the same presentations. */
export async function compareCommand(dir: string, flags: CompareFlags): Promise<number> {
  if (flags.calibrate || flags.threshold !== undefined) {
    throw new SplitError('the faster/merged comparison uses each level\'s shipped threshold: drop --calibrate and --threshold');
  }
  const progress = !flags.json && process.stderr.isTTY;
  const comparison = await compareSet(dir, {
    ...(flags.holdoutTraining ? { holdoutTraining: flags.holdoutTraining } : {}),
    ...(progress ? { onPresentation: (done: number, total: number) => process.stderr.write(`\r${done}/${total}`) } : {}),
  });
  if (progress) process.stderr.write('\r\x1b[K');
  console.log(flags.json ? JSON.stringify(comparison, null, 2) : formatComparison(comparison));
  return 0;
}

/**
 * `liveness eval --compare-models`: every image (each frame of a sequences folder) scored once by
 * fr_liveness and the pack's models, then fr_liveness alone, the pack alone and the fusion each
 * decided at its own calibrated default.
 */
export async function compareModelsCommand(dir: string, flags: CompareFlags & { readonly packDir?: string }): Promise<number> {
  if (flags.calibrate || flags.threshold !== undefined) {
    throw new SplitError("the model comparison uses each method's calibrated default: drop --calibrate and --threshold");
  }
  const images = await labelledFrames(dir);
  const engine = new LivenessEngine(new ModelRegistry(flags.packDir ? { packs: [{ name: 'silent-face', dir: flags.packDir }] } : {}));
  const fusion = engine.models.packs.map(({ pack }) => fusionFor(pack.name)).find((f) => f !== undefined);
  if (!fusion) throw new SplitError('--compare-models needs the model pack: npx liveness models add silent-face, or --pack-dir DIR');
  const progress = !flags.json && process.stderr.isTTY;
  const samples = await runEvaluation(engine, images, {
    threshold: DEFAULT_THRESHOLD,
    livenessModels: 'fusion',
    ...(progress ? { onSample: (done: number, total: number) => process.stderr.write(`\r${done}/${total} images`) } : {}),
  });
  if (progress) process.stderr.write('\r\x1b[K');
  const rows = compareMethods(samples, packMethods(fusion, DEFAULT_THRESHOLD));
  console.log(flags.json ? JSON.stringify(rows.map(({ method, threshold, meanSourceAuc, all, summary }) => ({ method, threshold, meanSourceAuc, all, summary })), null, 2) : methodComparisonMarkdown(rows));
  return 0;
}
