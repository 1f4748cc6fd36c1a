import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { softmax } from '../stages/score.js';
import type { CropRegion, DecodedImage, FaceBox } from '../types.js';
import { clipRegion, regionTensor } from '../stages/modelInput.js';
import type { HeadPose } from './types.js';

const spec = modelSpec('fr_pose');
const BINS = 66;
/** Hopenet binning: bin i covers 3 degrees starting at -99. */
const BIN_DEGREES = 3;
const FIRST_BIN = -99;

/** The face box grown by a quarter of its size on each side, clipped to the image (reference crop). */
export function poseRegion(image: Pick<DecodedImage, 'width' | 'height'>, face: FaceBox): CropRegion {
  const w = face.x2 - face.x1;
  const h = face.y2 - face.y1;
  return clipRegion(image, face.x1 - w / 4, face.y1 - h / 4, face.x2 + w / 4, face.y2 + h / 4);
}

/** Expected angle over the softmax of 66 bins. */
export function binsToDegrees(logits: ArrayLike<number>): number {
  const p = softmax(logits);
  let expected = 0;
  for (let i = 0; i < BINS; i++) expected += p[i]! * i;
  return expected * BIN_DEGREES + FIRST_BIN;
}

/** Yaw, pitch and roll in degrees from fr_pose. */
export async function headPose(models: ModelRegistry, image: DecodedImage, face: FaceBox): Promise<HeadPose> {
  const outputs = await models.run('fr_pose', regionTensor(image, poseRegion(image, face), spec));
  const angle = (name: string) => binsToDegrees(outputs[spec.outputs[name]!]!.data as Float32Array);
  return { yaw: angle('yaw'), pitch: angle('pitch'), roll: angle('roll') };
}
