import { LivenessEngine } from '../liveness/engine.js';
import { MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import { DEFAULT_FEATURE_CACHE } from '../training/featureCache.js';
import { extractFeatures } from '../training/features.js';
import { headWithoutSource } from '../training/train.js';
import { comparePresentations, formatComparison, type MethodComparison, summarizeComparison } from './compareMethods.js';
import { SplitError } from './split.js';
import { readPresentations } from './sequences.js';

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
