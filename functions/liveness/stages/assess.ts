import { faceGeometry } from '../quality/geometry.js';
import type { Assessability, DecodedImage, FaceBox } from '../types.js';

export interface AssessabilityConfig {
  /**
   * Below this achieved crop scale (face box x scale that fits in the image, out of the 2.7 the
   * model wants) the model has too little context to judge: chosen by source-grouped validation
   * (models/manifest.json fr_liveness.calibration.assessability).
   */
  readonly minCropScale: number;
  /** Face box over this share of the image width or height is called FACE_TOO_CLOSE (as the quality status does). */
  readonly maxFaceRatio: number;
}

/** The scale of the face box that fits in the image, capped at the wanted one: what scaledFaceRegion achieves. */
export function achievedCropScale(image: Pick<DecodedImage, 'width' | 'height'>, face: FaceBox, wanted: number): number {
  const boxW = Math.max(1, face.x2 - face.x1);
  const boxH = Math.max(1, face.y2 - face.y1);
  return Math.min((image.height - 1) / boxH, (image.width - 1) / boxW, wanted);
}

/**
 * Stage 4a: can the liveness model judge this face? Only when the image gives it enough of the
 * surroundings it was trained on. The reason names the framing fault a person can correct.
 */
export function assessFraming(
  image: Pick<DecodedImage, 'width' | 'height'>,
  face: FaceBox,
  cropScaleWanted: number,
  config: AssessabilityConfig,
): Assessability {
  const cropScaleAchieved = achievedCropScale(image, face, cropScaleWanted);
  const geometry = faceGeometry(image, face);
  const faceFraction = Math.max(geometry.widthRatio, geometry.heightRatio);
  const assessable = cropScaleAchieved >= config.minCropScale;
  const reason = assessable
    ? null
    : faceFraction > config.maxFaceRatio
      ? 'FACE_TOO_CLOSE'
      : geometry.cropped
        ? 'FACE_CROPPED'
        : 'FACE_WITHOUT_PADDING';
  return { assessable, cause: assessable ? null : 'framing', reason, cropScaleWanted, cropScaleAchieved, faceFraction };
}

/** A face found only after normalising the exposure: the original pixels are not fit to judge. */
export function exposureNotAssessable(framing: Assessability): Assessability {
  return { ...framing, assessable: false, cause: 'exposure', reason: 'ILLUMINATION_ERROR' };
}
