import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { regionTensor, clipRegion } from '../stages/modelInput.js';
import { softmax } from '../stages/score.js';
import type { CropRegion, DecodedImage, FaceBox } from '../types.js';

const spec = modelSpec('fr_expression');

/** The reference crop: from the box's top-left corner, 1.2x its width and height, clipped. */
export function expressionRegion(image: Pick<DecodedImage, 'width' | 'height'>, face: FaceBox): CropRegion {
  const grow = spec.cropScale ?? 1.2;
  return clipRegion(image, face.x1, face.y1, face.x1 + (face.x2 - face.x1) * grow, face.y1 + (face.y2 - face.y1) * grow);
}

/** Softmax over fr_expression's 7 classes, in model order. */
export async function expressionProbabilities(models: ModelRegistry, image: DecodedImage, face: FaceBox): Promise<number[]> {
  const outputs = await models.run('fr_expression', regionTensor(image, expressionRegion(image, face), spec));
  return softmax(outputs[spec.outputs.logits ?? 'output']!.data as Float32Array);
}
