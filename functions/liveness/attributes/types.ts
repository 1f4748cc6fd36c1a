/** Face attributes on request: HyperVerge's ageRange/gender and the 002 API's eyes, mouth, smile, emotions. */
export const ATTRIBUTE_NAMES = ['ageRange', 'gender', 'eyesOpen', 'mouthOpen', 'smile', 'emotions'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

export const isAttributeName = (name: string): name is AttributeName => (ATTRIBUTE_NAMES as readonly string[]).includes(name);

/** An attribute no shipped model answers reliably: reported, never guessed. */
export interface UnsupportedAttribute {
  readonly value: 'unsupported';
  /** One line on why (for the docs and curious callers). */
  readonly reason: string;
}

/** HyperVerge shape: `{low, high, value: "low-high", confidence}`; `estimate` is the model's point estimate. */
export interface AgeRange {
  readonly low: number;
  readonly high: number;
  readonly value: string;
  readonly confidence: 'high' | 'low';
  readonly estimate: number;
}

export interface Gender {
  readonly value: 'Male' | 'Female';
  readonly confidence: 'high' | 'low';
}

/** 002 API shape: a boolean and a confidence 0..100. */
export interface BooleanAttribute {
  readonly value: boolean;
  readonly confidence: number;
}

export interface Emotion {
  readonly type: string;
  readonly confidence: number;
}

export interface FaceAttributes {
  readonly ageRange?: AgeRange | UnsupportedAttribute;
  readonly gender?: Gender | UnsupportedAttribute;
  readonly eyesOpen?: BooleanAttribute;
  readonly mouthOpen?: BooleanAttribute;
  readonly smile?: BooleanAttribute;
  readonly emotions?: readonly Emotion[] | UnsupportedAttribute;
}
