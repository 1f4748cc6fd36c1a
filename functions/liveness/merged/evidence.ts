import { type DeclaredModelSpec, type ModelRegistry, modelSpec } from '../modelRegistry.js';
import { scaledFaceRegion } from '../stages/crop.js';
import { regionTensor } from '../stages/modelInput.js';
import { type CropEvidence, livenessConventions, logOdds, runEmbedding, scoreWithModel } from '../stages/score.js';
import type { DecodedImage, FaceBox } from '../types.js';

const embeddingSpec = modelSpec('fr_liveness_embedding');

export type { CropEvidence };

/** The merged level's evidence for one frame: the model's own 2.7x crop and a wider 4x look. */
export interface FrameEvidence {
  readonly crop27: CropEvidence;
  readonly crop4: CropEvidence;
  /** With a model pack: each pack model's live log-odds on its own crop, in declaration order. */
  readonly pack?: readonly number[];
}

/** Crop scales of the two runs: the model's training crop, and a wider one that shows more of the frame (bezels, hands). */
export const EVIDENCE_CROP_SCALES = { crop27: embeddingSpec.cropScale ?? 2.7, crop4: 4 } as const;

const cropEvidence = (models: ModelRegistry, image: DecodedImage, face: FaceBox, scale: number): Promise<CropEvidence> =>
  runEmbedding(models, regionTensor(image, scaledFaceRegion(image, face, scale), embeddingSpec));

/**
 * Two fr_liveness runs on one face (2.7x, 4x), logits and embedding from the same run; the 4x run
 * is skipped (empty evidence) when the head does not use it, the 2.7x run when the caller already
 * has it (the reported frame's check() scored that crop with the same model).
 */
export async function frameEvidence(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  runs: { readonly crop4: boolean; readonly crop27?: CropEvidence; readonly packModels?: readonly DeclaredModelSpec[] } = { crop4: true },
): Promise<FrameEvidence> {
  const crop27 = runs.crop27 ?? (await cropEvidence(models, image, face, EVIDENCE_CROP_SCALES.crop27));
  const crop4 = runs.crop4 ? await cropEvidence(models, image, face, EVIDENCE_CROP_SCALES.crop4) : { logits: [], embedding: [] };
  if (!runs.packModels?.length) return { crop27, crop4 };
  const pack: number[] = [];
  for (const spec of runs.packModels) pack.push(logOdds((await scoreWithModel(models, image, face, livenessConventions(spec))).score));
  return { crop27, crop4, pack };
}

/** A pack feature read from evidence that has none is a wiring error, never a silent zero. */
const packOf = (e: FrameEvidence): readonly number[] => {
  if (!e.pack) throw new Error('this head reads model pack evidence, and the frame has none: load the pack');
  return e.pack;
};

/** Feature sets a head may use; the training command picks one by leave-one-source-out validation. */
export const FEATURE_SETS = {
  logits: (e: FrameEvidence) => [...e.crop27.logits],
  'logits+embedding': (e: FrameEvidence) => [...e.crop27.logits, ...e.crop27.embedding],
  'logits+embedding+crop4Logits': (e: FrameEvidence) => [...e.crop27.logits, ...e.crop27.embedding, ...e.crop4.logits],
  'logits+embedding+crop4': (e: FrameEvidence) => [
    ...e.crop27.logits,
    ...e.crop27.embedding,
    ...e.crop4.logits,
    ...e.crop4.embedding,
  ],
  // With a model pack (issue 18): fr_liveness's evidence beside each pack model's log-odds.
  'logits+pack': (e: FrameEvidence) => [...e.crop27.logits, ...packOf(e)],
  'logits+embedding+pack': (e: FrameEvidence) => [...e.crop27.logits, ...e.crop27.embedding, ...packOf(e)],
} as const satisfies Record<string, (e: FrameEvidence) => number[]>;
export type FeatureSetName = keyof typeof FEATURE_SETS;
export const isFeatureSetName = (name: string): name is FeatureSetName => name in FEATURE_SETS;

/** Whether a feature set reads model pack evidence. */
export const usesPack = (featureSet: FeatureSetName): boolean => featureSet.endsWith('+pack');
