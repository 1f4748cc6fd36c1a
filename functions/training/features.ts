import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type LabelledImage, readLabelledSet } from '../evaluation/dataset.js';
import { LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { ModelRegistry, modelSpec, modelVersion } from '../liveness/modelRegistry.js';
import { selectFace } from '../liveness/stages/select.js';
import { livenessConventions, softmax } from '../liveness/stages/score.js';
import { type FrameEvidence, frameEvidence } from '../liveness/merged/evidence.js';


/** One labelled training image with the evidence the head learns from (no pixels). */
export interface TrainingSample {
  /** `<set folder name>/<file>`: which image, for the training data list. */
  readonly id: string;
  readonly label: 'live' | 'spoof';
  readonly attackType: string;
  readonly group: string;
  readonly evidence: FrameEvidence;
  /** The faster level's score of the same image (softmax of the 2.7x logits): the baseline compared against. */
  readonly fasterScore: number;
}

export interface FeatureExtraction {
  readonly samples: TrainingSample[];
  /** Images without a detected face (or undecodable): not trained on, listed for the record. */
  readonly skipped: { readonly id: string; readonly reason: string }[];
}

/** Evidence for one image as the engine would see it (same decode, detection and face selection). */
export async function evidenceOf(engine: LivenessEngine, bytes: Uint8Array): Promise<FrameEvidence> {
  const decoded = await engine.decode(bytes);
  const face = selectFace(await engine.findFaces(decoded), decoded, 'CLOSEST_TO_CAMERA');
  if (!face) throw Object.assign(new Error('no face'), { code: 'FACE_NOT_DETECTED' });
  return frameEvidence(engine.models, decoded, face, { crop4: true, packModels: engine.models.packModels });
}

/** What else shapes the evidence: embedded colour profiles ignored, the VGA detector input in one pass (issue 13). */
const EVIDENCE_PIPELINE = 'icc ignored; working image from 3x its side';

/**
 * Evidence for every live/spoof image of the folders, cached in `cacheFile` (keyed by image id)
 * so hyper-parameter search and retraining do not rerun the models.
 */
export async function extractFeatures(
  dirs: readonly string[],
  options: {
    readonly cacheFile?: string;
    readonly onProgress?: (done: number, total: number) => void;
    /** Model packs whose models add evidence (default none: today's fr_liveness evidence only). */
    readonly packs?: readonly { readonly name: string; readonly dir: string }[];
  } = {},
): Promise<FeatureExtraction> {
  const engine = new LivenessEngine(new ModelRegistry({ packs: options.packs ?? [] }));
  // Evidence depends on how images are decoded as much as on the models: a cache made another way is not used.
  const models = [modelSpec('fr_liveness_embedding'), ...engine.models.packModels].map(modelVersion).join(',');
  const pipeline = `${models} decode ${JSON.stringify(engine.config.decode)} ${EVIDENCE_PIPELINE}`;
  const stored = options.cacheFile && existsSync(options.cacheFile) ? JSON.parse(await readFile(options.cacheFile, 'utf8')) : undefined;
  const cache: Record<string, TrainingSample | { skipped: string }> = stored?.pipeline === pipeline ? stored.entries : {};
  const images: { id: string; image: LabelledImage }[] = [];
  for (const dir of dirs) {
    const set = await readLabelledSet(dir);
    for (const image of set.images) images.push({ id: `${basename(dir)}/${image.file}`, image });
  }
  const samples: TrainingSample[] = [];
  const skipped: { id: string; reason: string }[] = [];
  let done = 0;
  for (const { id, image } of images) {
    let entry = cache[id];
    if (!entry) {
      try {
        const evidence = await evidenceOf(engine, await readFile(image.path));
        const fasterScore = softmax(evidence.crop27.logits)[livenessConventions().liveClass]!;
        entry = { id, label: image.label, attackType: image.attackType, group: image.group, evidence, fasterScore };
      } catch (error) {
        const code = isLivenessError(error) ? error.code : ((error as { code?: string }).code ?? 'ERROR');
        if (code === 'MODEL_UNAVAILABLE') throw error;
        entry = { skipped: code };
      }
      cache[id] = entry;
    }
    if ('skipped' in entry) skipped.push({ id, reason: entry.skipped });
    else samples.push(entry);
    options.onProgress?.(++done, images.length);
  }
  if (options.cacheFile) {
    await mkdir(dirname(options.cacheFile), { recursive: true });
    await writeFile(options.cacheFile, JSON.stringify({ pipeline, entries: cache }));
  }
  return { samples, skipped };
}
