import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { scaledFaceRegion } from '../stages/crop.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { regionTensor } from '../stages/modelInput.js';

export type Point = readonly [number, number];
/** The 68 iBUG points, in image pixels. */
export type Landmarks = readonly Point[];

const spec = modelSpec('fr_landmark');

/** iBUG-68 index ranges used by the quality and attribute stages. */
export const LANDMARK_INDEX = {
  jaw: [0, 16],
  leftEye: [36, 41],
  rightEye: [42, 47],
  nose: [27, 35],
  outerLips: [48, 59],
  innerLips: [60, 67],
} as const;

/** Model output (x, y in 0..1 of the crop) → image pixels. */
export function decodeLandmarks(output: ArrayLike<number>, region: { left: number; top: number; width: number; height: number }): Landmarks {
  const points: Point[] = [];
  for (let i = 0; i + 1 < output.length; i += 2) {
    points.push([region.left + output[i]! * region.width, region.top + output[i + 1]! * region.height]);
  }
  return points;
}

/** The 68 landmarks of one face: the face box itself (scale 1, shifted inside the image), 64x64 gray. */
export async function detectLandmarks(models: ModelRegistry, image: DecodedImage, face: FaceBox): Promise<Landmarks> {
  const region = scaledFaceRegion(image, face, spec.cropScale ?? 1);
  const outputs = await models.run('fr_landmark', regionTensor(image, region, spec));
  return decodeLandmarks(outputs[spec.outputs.landmarks ?? 'output']!.data as Float32Array, region);
}

export const centroid = (points: readonly Point[]): Point => {
  const sx = points.reduce((a, p) => a + p[0], 0);
  const sy = points.reduce((a, p) => a + p[1], 0);
  return [sx / points.length, sy / points.length];
};

export const pointsIn = (landmarks: Landmarks, [from, to]: readonly [number, number]): Point[] =>
  landmarks.slice(from, to + 1);

export const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
