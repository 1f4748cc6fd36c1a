import type { CropRegion, DecodedImage } from '../types.js';
import { type Landmarks, type Point } from './landmarks.js';
import { clipRegion } from './modelInput.js';

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

const boxAround = (image: DecodedImage, points: readonly Point[], grow = 0): CropRegion => {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x1, x2, y1, y2] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const gx = (x2 - x1) * grow;
  const gy = (y2 - y1) * grow;
  return clipRegion(image, x1 - gx, y1 - gy, x2 + gx, y2 + gy);
};

/** Chromaticity distance at which the occlusion score reaches 1 (skin against a cloth mask or a phone). */
const FULL_OCCLUSION_DISTANCE = 0.12;

/**
 * How implausible the lower face's colour is for uncovered skin, 0..1: the chromaticity distance
 * between the skin between the eyebrows (rarely covered) and each of the cheeks, the mouth and the
 * chin, located by the landmarks; the worst region counts. A mask, a scarf or an object in front of
 * the face changes colour there; a hand of the same skin tone does not, which this measure misses.
 */
export function occlusionScore(image: DecodedImage, landmarks: Landmarks): number {
  const at = (i: number) => landmarks[i]!;
  const reference = regionColour(image, boxAround(image, [at(21), at(22), at(27), at(28)]));
  const regions = [
    boxAround(image, [at(31), at(3), at(29), at(2)]), // left cheek: nose side to jaw
    boxAround(image, [at(35), at(13), at(29), at(14)]), // right cheek
    boxAround(image, landmarks.slice(48, 60), 0.1), // mouth
    boxAround(image, [at(57), at(7), at(9), at(8)]), // chin
  ];
  const worst = Math.max(
    ...regions.map((region) => {
      const c = regionColour(image, region);
      return Math.hypot(c.r - reference.r, c.g - reference.g);
    }),
  );
  return Math.min(1, worst / FULL_OCCLUSION_DISTANCE);
}
