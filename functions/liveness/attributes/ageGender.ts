import { type ModelRegistry, modelSpec } from '../modelRegistry.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { estimateAge, estimateGender } from './age.js';
import type { AgeRange, Gender, UnsupportedAttribute } from './types.js';

/**
 * Half-width of the reported age range, in years. Wide on purpose: on our development faces the
 * shipped SSR-Net compresses ages towards 30-45, so a narrow range would claim more than it knows.
 */
export const AGE_RANGE_HALF_WIDTH = 8;

/** Age range around the SSR-Net estimate; confidence stays low until the model is validated (manifest). */
export function ageRangeFromEstimate(estimate: number, validated: boolean): AgeRange {
  const low = Math.max(0, Math.round(estimate - AGE_RANGE_HALF_WIDTH));
  const high = Math.max(low + 1, Math.round(estimate + AGE_RANGE_HALF_WIDTH));
  return { low, high, value: `${low}-${high}`, confidence: validated ? 'high' : 'low', estimate: Math.round(estimate * 10) / 10 };
}

interface AttributeEvidence {
  readonly validated?: boolean;
}
const evidenceOf = (id: 'fr_age' | 'fr_gender') => modelSpec(id) as ReturnType<typeof modelSpec> & AttributeEvidence;

export async function ageRangeOf(models: ModelRegistry, image: DecodedImage, face: FaceBox): Promise<AgeRange> {
  return ageRangeFromEstimate(await estimateAge(models, image, face), evidenceOf('fr_age').validated === true);
}

export const GENDER_UNSUPPORTED: UnsupportedAttribute = {
  value: 'unsupported',
  reason:
    'fr_gender does not separate labelled men and women on our development faces (AUC about 0.66, the majority-class rate), whatever the input convention tried; see models/manifest.json',
};

/**
 * Gender from fr_gender only when the manifest names which end of its 0..1 output is male
 * (`classes.maleAbove`), set once the model is shown to separate labelled faces; otherwise unsupported.
 */
export async function genderOf(models: ModelRegistry, image: DecodedImage, face: FaceBox): Promise<Gender | UnsupportedAttribute> {
  const maleAbove = modelSpec('fr_gender').classes?.maleAbove;
  if (maleAbove === undefined) return GENDER_UNSUPPORTED;
  const value = await estimateGender(models, image, face);
  return { value: value > maleAbove ? 'Male' : 'Female', confidence: Math.abs(value - maleAbove) > 0.3 ? 'high' : 'low' };
}
