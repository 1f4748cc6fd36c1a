import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { softmax } from '../stages/score.js';
import type { CropRegion, DecodedImage } from '../types.js';
import { type Landmarks, distance } from './landmarks.js';
import { clipRegion, regionTensor } from '../stages/modelInput.js';
import type { EyeState } from './types.js';

const spec = modelSpec('fr_eye');
/** Eye crop side = eye corner distance x this (the reference code's padding rate). */
const EYE_PADDING = 1.6;

/** Square crop around one eye: centred on its four lid points, sized from its corners. */
export function eyeRegion(image: Pick<DecodedImage, 'width' | 'height'>, landmarks: Landmarks, first: number): CropRegion {
  // iBUG eye points: first = outer corner, first+3 = inner corner, +1,+2 upper lid, +4,+5 lower lid.
  const lids = [first + 1, first + 2, first + 4, first + 5].map((i) => landmarks[i]!);
  const cx = lids.reduce((a, p) => a + p[0], 0) / 4;
  const cy = lids.reduce((a, p) => a + p[1], 0) / 4;
  const side = Math.max(4, distance(landmarks[first]!, landmarks[first + 3]!) * EYE_PADDING);
  return clipRegion(image, cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2);
}

async function eyeOpen(models: ModelRegistry, image: DecodedImage, region: CropRegion): Promise<number> {
  const outputs = await models.run('fr_eye', regionTensor(image, region, spec));
  const probabilities = softmax(outputs[spec.outputs.logits ?? 'output']!.data as Float32Array);
  return probabilities[spec.classes?.open ?? 1]!;
}

/** Probability each eye is open, from fr_eye on 24x24 gray crops located by the landmarks. */
export async function eyeState(models: ModelRegistry, image: DecodedImage, landmarks: Landmarks): Promise<EyeState> {
  const [leftOpen, rightOpen] = await Promise.all([
    eyeOpen(models, image, eyeRegion(image, landmarks, 36)),
    eyeOpen(models, image, eyeRegion(image, landmarks, 42)),
  ]);
  return { leftOpen: leftOpen!, rightOpen: rightOpen! };
}
