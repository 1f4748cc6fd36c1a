import type { DecodedImage, FaceBox } from '../types.js';
import type { ImageStatistics } from './types.js';

/** Side of the grid the face is averaged onto: measures do not depend on the photo's resolution. */
export const FACE_GRID = 96;
const DARK_CLIP = 16;
const BRIGHT_CLIP = 245;
/** Border strip width, as a fraction of the image's shorter side, taken as background. */
const BORDER_STRIP = 0.06;

const luma = (rgb: Buffer, i: number) => 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;

/**
 * The face box's luma area-averaged onto a FACE_GRID x FACE_GRID grid (integer pixel sums, so it
 * costs one pass over the face pixels and no allocation beyond the grid).
 */
export function faceLumaGrid(image: DecodedImage, face: FaceBox, size = FACE_GRID): Float32Array {
  const x1 = Math.max(0, Math.floor(face.x1));
  const y1 = Math.max(0, Math.floor(face.y1));
  const x2 = Math.min(image.width, Math.max(x1 + 1, Math.ceil(face.x2)));
  const y2 = Math.min(image.height, Math.max(y1 + 1, Math.ceil(face.y2)));
  const sums = new Float32Array(size * size);
  const counts = new Uint32Array(size * size);
  const w = x2 - x1;
  const h = y2 - y1;
  for (let y = y1; y < y2; y++) {
    const gy = Math.min(size - 1, Math.floor(((y - y1) * size) / h));
    let i = 3 * (y * image.width + x1);
    for (let x = x1; x < x2; x++, i += 3) {
      const g = gy * size + Math.min(size - 1, Math.floor(((x - x1) * size) / w));
      sums[g]! += luma(image.rgb, i);
      counts[g]!++;
    }
  }
  // A face smaller than the grid leaves empty cells: copy the nearest filled cell above/left.
  for (let g = 0; g < sums.length; g++) {
    if (counts[g]! > 0) sums[g] = sums[g]! / counts[g]!;
    else sums[g] = g % size > 0 ? sums[g - 1]! : g >= size ? sums[g - size]! : 0;
  }
  return sums;
}

/** Relative Laplacian energy at which sharpness reads 63: set on real photos and blurred copies of them. */
const SHARPNESS_SCALE = 0.25;

/**
 * Focus of a luma grid, 0..100: the mean absolute 4-neighbour Laplacian, normalised by the grid's
 * contrast so a dim but sharp face still scores high, then mapped through 1 - exp(-k x).
 */
export function sharpnessOf(grid: Float32Array, size = FACE_GRID): number {
  let energy = 0;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const g = y * size + x;
      const v = grid[g]!;
      const lap = 4 * v - grid[g - 1]! - grid[g + 1]! - grid[g - size]! - grid[g + size]!;
      energy += Math.abs(lap);
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const relative = energy / n / Math.max(8, std);
  return 100 * (1 - Math.exp(-relative / SHARPNESS_SCALE));
}

function borderStatistics(image: DecodedImage): { brightness: number; saturation: number } {
  const { width, height, rgb } = image;
  const strip = Math.max(1, Math.round(BORDER_STRIP * Math.min(width, height)));
  // Sample every `step`-th pixel: the background is smooth and this must stay well under a millisecond.
  const step = Math.max(1, Math.floor(Math.min(width, height) / 200));
  let lumaSum = 0;
  let satSum = 0;
  let n = 0;
  const sample = (x: number, y: number) => {
    const i = 3 * (y * width + x);
    const max = Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    const min = Math.min(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    lumaSum += luma(rgb, i);
    satSum += max === 0 ? 0 : (max - min) / max;
    n++;
  };
  for (let y = 0; y < height; y += step) {
    if (y < strip || y >= height - strip) {
      for (let x = 0; x < width; x += step) sample(x, y);
    } else {
      for (let x = 0; x < strip; x += step) sample(x, y);
      for (let x = width - strip; x < width; x += step) sample(x, y);
    }
  }
  return { brightness: (100 * lumaSum) / n / 255, saturation: (100 * satSum) / n };
}

/** The luma below which a share `p` of the counted values lie, from a 256-bin histogram. */
function percentile(histogram: Uint32Array, total: number, p: number): number {
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v]!;
    if (seen >= p * total) return v;
  }
  return 255;
}

/** Brightness, sharpness and exposure of the face, and the look of the background. Pure and cheap. */
export function imageStatistics(image: DecodedImage, face: FaceBox): ImageStatistics {
  const grid = faceLumaGrid(image, face);
  let sum = 0;
  let dark = 0;
  let bright = 0;
  let leftHalf = 0;
  const histogram = new Uint32Array(256);
  for (let g = 0; g < grid.length; g++) {
    const v = grid[g]!;
    sum += v;
    histogram[Math.min(255, Math.round(v))]!++;
    if (g % FACE_GRID < FACE_GRID / 2) leftHalf += v;
    if (v <= DARK_CLIP) dark++;
    if (v >= BRIGHT_CLIP) bright++;
  }
  const half = grid.length / 2;
  const border = borderStatistics(image);
  return {
    brightness: (100 * sum) / grid.length / 255,
    sharpness: sharpnessOf(grid),
    unevenness: (100 * Math.abs(leftHalf / half - (sum - leftHalf) / half)) / 255,
    shadows: (100 * percentile(histogram, grid.length, 0.05)) / 255,
    highlights: (100 * percentile(histogram, grid.length, 0.95)) / 255,
    underExposed: dark / grid.length,
    overExposed: bright / grid.length,
    backgroundBrightness: border.brightness,
    backgroundSaturation: border.saturation,
  };
}
