/** Typed values passed between the liveness stages. Pixel coordinates are in the upright image. */

export type SelectionCriteria = 'CLOSEST_TO_CAMERA' | 'CLOSEST_TO_CENTER' | 'HIGHEST_CONFIDENCE';
export const SELECTION_CRITERIA: readonly SelectionCriteria[] = [
  'CLOSEST_TO_CAMERA',
  'CLOSEST_TO_CENTER',
  'HIGHEST_CONFIDENCE',
];

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

/**
 * A decoded, EXIF-upright image as interleaved 8-bit RGB, at working resolution: large photos are
 * shrunk while decoding (cheap for JPEG), and every stage works in these pixels.
 */
export interface DecodedImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly rgb: Buffer;
  /** Original (upright) pixels per working pixel; 1 when the image was not shrunk. */
  readonly scale?: number;
}

/** A detected face in image pixels. */
export interface FaceBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly confidence: number;
}

/** The API's box shape (HyperVerge / 003 style), integer pixels. */
export interface BoundingBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface LivenessScore {
  /** Probability that a live person was in front of the camera, 0..1. */
  readonly score: number;
  /** Softmax over the model's classes, in model order. */
  readonly probabilities: readonly number[];
}

/** One liveness model's own opinion of the selected face. */
export interface ModelScore extends LivenessScore {
  /** Public identifier, e.g. "silent_face_v2@1.0.0#4eed38f0". */
  readonly model: string;
}

export interface LivenessDecision {
  readonly value: 'yes' | 'no';
  readonly confidence: 'high' | 'low';
  readonly score: number;
  readonly threshold: number;
  /** False when the model could not judge this presentation: then value is 'no' with low confidence, whatever the score. */
  readonly assessable: boolean;
}

/** Why a presentation is not assessable, as the YouLive quality status that says it. */
export type NotAssessableReason = 'FACE_TOO_CLOSE' | 'FACE_CROPPED' | 'FACE_WITHOUT_PADDING' | 'ILLUMINATION_ERROR';

/**
 * Whether the liveness model can judge the selected face: it was trained on the face with its
 * surroundings (the box scaled cropScaleWanted), and guesses without them.
 */
export interface Assessability {
  readonly assessable: boolean;
  /** framing: the context around the face is missing; exposure: the face was only found on an exposure-normalised copy. */
  readonly cause: 'framing' | 'exposure' | null;
  readonly reason: NotAssessableReason | null;
  /** The scale of the face box the model wants around it (2.7) and the scale the image allowed. */
  readonly cropScaleWanted: number;
  readonly cropScaleAchieved: number;
  /** The larger of face width / image width and face height / image height. */
  readonly faceFraction: number;
}

/** Region of the image fed to a model, in image pixels. */
export interface CropRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}
