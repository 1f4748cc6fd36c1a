import type { ModelRegistry, ModelSpec } from '../modelRegistry.js';
import { modelSpec } from '../modelRegistry.js';
import type { DecodedImage, FaceBox, LivenessScore } from '../types.js';
import { cropRegion, scaledFaceRegion } from './crop.js';

export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Interleaved RGB bytes → NCHW float planes in the model's channel order and normalisation. */
export function toPlanes(rgb: Buffer, spec: ModelSpec): Float32Array {
  const { channelOrder, mean, scale } = spec.input;
  const plane = rgb.length / 3;
  const order = channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const source = order[c]!;
    const offset = c * plane;
    for (let p = 0; p < plane; p++) data[offset + p] = (rgb[3 * p + source]! - mean) * scale;
  }
  return data;
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

/** Stage 5: probability that the selected face is live. */
export async function scoreLiveness(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  conventions: LivenessConventions = livenessConventions(),
): Promise<LivenessScore> {
  const { spec, liveClass } = conventions;
  const size = spec.input.shape[3]!;
  const region = scaledFaceRegion(image, face, spec.cropScale ?? 2.7);
  const input = toPlanes(await cropRegion(image, region, size), spec);
  const outputs = await models.run('fr_liveness', input);
  const probabilities = softmax(outputs[spec.outputs.logits!]!.data as Float32Array);
  return { score: probabilities[liveClass]!, probabilities };
}
