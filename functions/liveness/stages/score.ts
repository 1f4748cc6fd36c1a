import type { DeclaredModelSpec, ModelRegistry } from '../modelRegistry.js';
import { modelSpec, modelVersion } from '../modelRegistry.js';
import type { BoxMapping } from '../packs.js';
import type { DecodedImage, FaceBox, ModelScore } from '../types.js';
import { scaledFaceRegion } from './crop.js';
import { regionTensor } from './modelInput.js';

export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Which conventions to feed a liveness model: its declaration's, unless a probe overrides them. */
export interface LivenessConventions {
  readonly spec: DeclaredModelSpec;
  readonly liveClass: number;
}

export const livenessConventions = (spec: DeclaredModelSpec = modelSpec('fr_liveness')): LivenessConventions => ({
  spec,
  liveClass: spec.classes?.live ?? 0,
});

/** Our detector's box moved onto the box a model was trained on (the identity without a mapping). */
export function mappedFaceBox(face: FaceBox, mapping?: BoxMapping): FaceBox {
  if (!mapping) return face;
  const w = face.x2 - face.x1;
  const h = face.y2 - face.y1;
  const cx = (face.x1 + face.x2) / 2 + mapping.centreXShift * w;
  const cy = (face.y1 + face.y2) / 2 + mapping.centreYShift * h;
  const halfW = (w * mapping.widthScale) / 2;
  const halfH = (h * mapping.heightScale) / 2;
  return { x1: cx - halfW, y1: cy - halfH, x2: cx + halfW, y2: cy + halfH, confidence: face.confidence };
}

/** The region a liveness model judges: its own box mapping and crop scale, kept inside the image. */
export const livenessRegion = (image: DecodedImage, face: FaceBox, spec: DeclaredModelSpec = modelSpec('fr_liveness')) =>
  scaledFaceRegion(image, mappedFaceBox(face, spec.boxMapping), spec.cropScale ?? 2.7);

/** fr_liveness's raw output on one crop: its logits and, from the derived model, its 128-d penultimate embedding. */
export interface CropEvidence {
  readonly logits: readonly number[];
  readonly embedding: readonly number[];
}

const embeddingSpec = modelSpec('fr_liveness_embedding');

/** One run of fr_liveness_embedding (fr_liveness's weights, the embedding as a second output) on a prepared crop. */
export async function runEmbedding(models: ModelRegistry, input: Float32Array): Promise<CropEvidence> {
  const outputs = await models.run('fr_liveness_embedding', input);
  return {
    logits: Array.from(outputs[embeddingSpec.outputs.logits!]!.data as Float32Array),
    embedding: Array.from(outputs[embeddingSpec.outputs.embedding!]!.data as Float32Array),
  };
}

/** The probability of log-odds `z` (the inverse of logOdds). */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Live probability as log-odds, bounded so a saturated softmax stays finite. */
export const logOdds = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/**
 * Stage 5 for one declared liveness model: its own crop of the camera pixels, its input
 * conventions, its live class. With `evidence` (fr_liveness only), the same crop goes through
 * fr_liveness_embedding instead (same weights, same logits) and its embedding is returned too,
 * so the merged level does not run the model on that crop a second time.
 */
export async function scoreWithModel(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  conventions: LivenessConventions,
  evidence = false,
): Promise<ModelScore & { readonly evidence?: CropEvidence }> {
  const { spec, liveClass } = conventions;
  const input = regionTensor(image, livenessRegion(image, face, spec), spec);
  const crop = evidence
    ? await runEmbedding(models, input)
    : { logits: Array.from((await models.run(spec.id, input))[spec.outputs.logits!]!.data as Float32Array) };
  const probabilities = softmax(crop.logits);
  const score = probabilities[liveClass]!;
  return { model: modelVersion(spec), score, probabilities, ...('embedding' in crop ? { evidence: crop } : {}) };
}
