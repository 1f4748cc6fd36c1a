import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { scaledFaceRegion } from '../stages/crop.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { regionTensor } from '../stages/modelInput.js';
import { decodeSsrNet, type SsrNetOutputs, ssrNetParams } from './ssrNet.js';

type Outputs = Awaited<ReturnType<ModelRegistry['run']>>;

/** The nine named SSR-Net outputs of a run, via the manifest's output names. */
export function ssrNetOutputs(outputs: Outputs, names: Readonly<Record<string, string>>): SsrNetOutputs {
  const data = (key: string) => outputs[names[key]!]!.data as Float32Array;
  return {
    prob: [data('probStage1'), data('probStage2'), data('probStage3')],
    deltaK: [data('deltaK1')[0]!, data('deltaK2')[0]!, data('deltaK3')[0]!],
    offset: [data('offset1'), data('offset2'), data('offset3')],
  };
}

/** Run an SSR-Net model (fr_age or fr_gender) on the face box scaled 1.4x; returns its regression value. */
export async function runSsrNet(
  id: 'fr_age' | 'fr_gender',
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
): Promise<number> {
  const spec = modelSpec(id);
  const region = scaledFaceRegion(image, face, spec.cropScale ?? 1.4);
  const outputs = await models.run(id, regionTensor(image, region, spec));
  return decodeSsrNet(ssrNetOutputs(outputs, spec.outputs), ssrNetParams(spec));
}

/** Estimated age in years (fr_age, SSR-Net). */
export const estimateAge = (models: ModelRegistry, image: DecodedImage, face: FaceBox) =>
  runSsrNet('fr_age', models, image, face);

/** SSR-Net gender regression, 0..1 (fr_gender); which end is which is in the manifest's classes. */
export const estimateGender = (models: ModelRegistry, image: DecodedImage, face: FaceBox) =>
  runSsrNet('fr_gender', models, image, face);
