import type { ModelRegistry, ModelSpec } from '../modelRegistry.js';
import { modelSpec } from '../modelRegistry.js';
import type { DecodedImage, FaceBox, LivenessScore } from '../types.js';
import { scaledFaceRegion } from './crop.js';
import { regionTensor } from './modelInput.js';

export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Which conventions to feed the liveness model: the manifest's, unless a probe overrides them. */
export interface LivenessConventions {
  readonly spec: ModelSpec;
  readonly liveClass: number;
}

export const livenessConventions = (spec: ModelSpec = modelSpec('fr_liveness')): LivenessConventions => ({
  spec,
  liveClass: spec.classes?.live ?? 0,
});

/** The face box scaled as the liveness model was trained (2.7x), kept inside the image. */
export const livenessRegion = (image: DecodedImage, face: FaceBox, spec: ModelSpec = modelSpec('fr_liveness')) =>
  scaledFaceRegion(image, face, spec.cropScale ?? 2.7);

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

/**
 * Stage 5: probability that the selected face is live. With `evidence`, the same crop goes through
 * fr_liveness_embedding instead (same weights, same logits) and its embedding is returned too, so
 * the merged level does not run the model on that crop a second time.
 */
export async function scoreLiveness(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  conventions: LivenessConventions = livenessConventions(),
  evidence = false,
): Promise<LivenessScore & { readonly evidence?: CropEvidence }> {
  const { spec, liveClass } = conventions;
  const input = regionTensor(image, livenessRegion(image, face, spec), spec);
  if (evidence) {
    const crop = await runEmbedding(models, input);
    const probabilities = softmax(crop.logits);
    return { score: probabilities[liveClass]!, probabilities, evidence: crop };
  }
  const outputs = await models.run('fr_liveness', input);
  const probabilities = softmax(outputs[spec.outputs.logits!]!.data as Float32Array);
  return { score: probabilities[liveClass]!, probabilities };
}
