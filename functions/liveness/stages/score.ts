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

/** Stage 5: probability that the selected face is live. */
export async function scoreLiveness(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  conventions: LivenessConventions = livenessConventions(),
): Promise<LivenessScore> {
  const { spec, liveClass } = conventions;
  const input = regionTensor(image, livenessRegion(image, face, spec), spec);
  const outputs = await models.run('fr_liveness', input);
  const probabilities = softmax(outputs[spec.outputs.logits!]!.data as Float32Array);
  return { score: probabilities[liveClass]!, probabilities };
}
