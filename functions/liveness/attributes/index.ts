import type { MeasurementFamily } from '../quality/checks.js';
import type { StageTimer } from '../quality/index.js';
import type { QualityMeasurements } from '../quality/types.js';
import type { ModelRegistry } from '../modelRegistry.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { ageRangeOf, genderOf } from './ageGender.js';
import { mouthOpen } from './mouth.js';
import { smile } from './smile.js';
import type { AttributeName, FaceAttributes, UnsupportedAttribute } from './types.js';

export * from './types.js';

/** The shared measurement families each attribute needs (landmarks and eyes are measured once for quality and attributes). */
export const ATTRIBUTE_NEEDS: Readonly<Record<AttributeName, readonly MeasurementFamily[]>> = {
  ageRange: [],
  gender: [],
  eyesOpen: ['landmarks', 'eyes'],
  mouthOpen: ['landmarks'],
  smile: ['landmarks'],
  emotions: [],
};

export const attributeFamilies = (names: readonly AttributeName[]): Set<MeasurementFamily> =>
  new Set(names.flatMap((name) => ATTRIBUTE_NEEDS[name]));

/** Names of the attribute-only model stages, for timings. */
export type AttributeModelStage = 'age' | 'gender';
export type AttributeTimer = <T>(stage: AttributeModelStage, work: () => Promise<T> | T) => Promise<T>;

export const EMOTIONS_UNSUPPORTED: UnsupportedAttribute = {
  value: 'unsupported',
  reason:
    'fr_expression ships without class names and its top class does not follow visible expressions on our labelled faces; we do not guess the label order',
};

/**
 * The requested attributes, from the shared measurements (landmarks, eyes) and the attribute
 * models; nothing is run for an attribute that was not asked for.
 */
export async function measureAttributes(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  requested: readonly AttributeName[],
  measurements: QualityMeasurements,
  time: AttributeTimer = async (_stage, work) => work(),
): Promise<FaceAttributes> {
  const wants = new Set(requested);
  const out: { -readonly [K in keyof FaceAttributes]: FaceAttributes[K] } = {};
  if (wants.has('ageRange')) out.ageRange = await time('age', () => ageRangeOf(models, image, face));
  if (wants.has('gender')) out.gender = await time('gender', () => genderOf(models, image, face));
  const { landmarks, eyes } = measurements;
  if (wants.has('eyesOpen') && eyes) {
    const open = Math.max(eyes.leftOpen, eyes.rightOpen);
    out.eyesOpen = { value: open >= 0.5, confidence: Math.round(100 * Math.max(open, 1 - open) * 100) / 100 };
  }
  if (wants.has('mouthOpen') && landmarks) out.mouthOpen = mouthOpen(landmarks);
  if (wants.has('smile') && landmarks) out.smile = smile(landmarks);
  if (wants.has('emotions')) out.emotions = EMOTIONS_UNSUPPORTED;
  return out;
}
