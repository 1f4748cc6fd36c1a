import type { BoundingBox, DecodedImage, FaceBox, SelectionCriteria } from '../types.js';

const area = (f: FaceBox) => (f.x2 - f.x1) * (f.y2 - f.y1);

function distanceToCentre(f: FaceBox, image: DecodedImage): number {
  const dx = (f.x1 + f.x2) / 2 - image.width / 2;
  const dy = (f.y1 + f.y2) / 2 - image.height / 2;
  return Math.hypot(dx, dy);
}

/** Stage 3: the one face to judge, by the caller's criterion. Undefined when there is none. */
export function selectFace(
  faces: readonly FaceBox[],
  image: DecodedImage,
  criteria: SelectionCriteria,
): FaceBox | undefined {
  const better: Record<SelectionCriteria, (a: FaceBox, b: FaceBox) => boolean> = {
    // The largest face is the nearest one: faces are roughly the same real size.
    CLOSEST_TO_CAMERA: (a, b) => area(a) > area(b),
    CLOSEST_TO_CENTER: (a, b) => distanceToCentre(a, image) < distanceToCentre(b, image),
    HIGHEST_CONFIDENCE: (a, b) => a.confidence > b.confidence,
  };
  return faces.reduce<FaceBox | undefined>((best, face) => (!best || better[criteria](face, best) ? face : best), undefined);
}

/** The caller's box: integer pixels of the original upright image (faces are found at working scale). */
export function toBoundingBox(face: FaceBox, scale = 1): BoundingBox {
  const left = Math.round(face.x1 * scale);
  const top = Math.round(face.y1 * scale);
  return { left, top, width: Math.round(face.x2 * scale) - left, height: Math.round(face.y2 * scale) - top };
}
