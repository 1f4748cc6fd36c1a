import type { CropRegion, DecodedImage, FaceBox } from '../types.js';
import { clipRegion } from '../stages/modelInput.js';

/** Mean chromaticity (r, g of r+g+b) and luma of a region, sampled on a grid of at most ~400 points. */
export function regionColour(image: DecodedImage, region: CropRegion): { r: number; g: number; luma: number } {
  const step = Math.max(1, Math.floor(Math.sqrt((region.width * region.height) / 400)));
  let r = 0;
  let g = 0;
  let luma = 0;
  let n = 0;
  for (let y = region.top; y < region.top + region.height; y += step) {
    for (let x = region.left; x < region.left + region.width; x += step) {
      const i = 3 * (y * image.width + x);
      const R = image.rgb[i]!;
      const G = image.rgb[i + 1]!;
      const B = image.rgb[i + 2]!;
      const sum = R + G + B + 1;
      r += R / sum;
      g += G / sum;
      luma += 0.299 * R + 0.587 * G + 0.114 * B;
      n++;
    }
  }
  return { r: r / n, g: g / n, luma: luma / n };
}

/** A part of the face box, in fractions of its width and height. */
const part = (image: DecodedImage, face: FaceBox, x1: number, y1: number, x2: number, y2: number): CropRegion => {
  const w = face.x2 - face.x1;
  const h = face.y2 - face.y1;
  return clipRegion(image, face.x1 + x1 * w, face.y1 + y1 * h, face.x1 + x2 * w, face.y1 + y2 * h);
};

/** Chromaticity distance from the reference skin at which the occlusion score reaches 1. */
export const FULL_OCCLUSION_DISTANCE = 0.18;

/**
 * Chromaticity distance of the nose-and-mouth band and of the chin from the skin between the
 * eyebrows (rarely covered), each a fixed part of the detector's face box. Landmark positions are
 * not used: the landmark model places points unreliably on a covered face.
 */
export function lowerFaceDistances(image: DecodedImage, face: FaceBox): { nose: number; chin: number } {
  const reference = regionColour(image, part(image, face, 0.4, 0.12, 0.6, 0.28));
  const distance = (region: CropRegion) => {
    const c = regionColour(image, region);
    return Math.hypot(c.r - reference.r, c.g - reference.g);
  };
  return { nose: distance(part(image, face, 0.4, 0.5, 0.6, 0.65)), chin: distance(part(image, face, 0.35, 0.85, 0.65, 0.97)) };
}

/**
 * How implausible the lower face's colour is for uncovered skin, 0..1: the smaller of the nose
 * band's and the chin's distance from the reference skin, over FULL_OCCLUSION_DISTANCE (a mask or
 * scarf covers both; a beard or a shadow rarely changes both). On our development faces 95% of
 * live faces score under 0.44 and 90% of synthetic masks (blue, white, black, navy) over 0.38; a
 * hand or a mask of skin colour is not seen by this measure.
 */
export function occlusionScore(image: DecodedImage, face: FaceBox): number {
  const { nose, chin } = lowerFaceDistances(image, face);
  return Math.min(1, Math.min(nose, chin) / FULL_OCCLUSION_DISTANCE);
}
