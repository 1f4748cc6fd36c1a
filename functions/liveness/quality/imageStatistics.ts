import type { DecodedImage, FaceBox } from '../types.js';
import { ILLUMINATION_CRITERIA } from './config.js';
import type { ImageStatistics } from './types.js';

/** Side of the grid the face is averaged onto: measures do not depend on the photo's resolution. */
export const FACE_GRID = ILLUMINATION_CRITERIA.grid;
const DARK_CLIP = ILLUMINATION_CRITERIA.darkClip;
const BRIGHT_CLIP = ILLUMINATION_CRITERIA.brightClip;
/** Border strip width, as a fraction of the image's shorter side, taken as background. */
const BORDER_STRIP = 0.06;


/**
 * The face box's luma area-averaged onto a FACE_GRID x FACE_GRID grid (integer pixel sums, so it
 * costs one pass over the face pixels and no allocation beyond the grid).
 */
export function faceLumaGrid(image: DecodedImage, face: FaceBox, size = FACE_GRID): Float32Array {
  const x1 = Math.max(0, Math.floor(face.x1));
  const y1 = Math.max(0, Math.floor(face.y1));
  const x2 = Math.min(image.width, Math.max(x1 + 1, Math.ceil(face.x2)));
  const y2 = Math.min(image.height, Math.max(y1 + 1, Math.ceil(face.y2)));
  const w = x2 - x1;
  const h = y2 - y1;
  // At most MAX_SAMPLES_PER_CELL samples per cell and axis: a large face costs what a small one does.
  const stepX = Math.max(1, Math.floor(w / (size * MAX_SAMPLES_PER_CELL)));
  const stepY = Math.max(1, Math.floor(h / (size * MAX_SAMPLES_PER_CELL)));
  const cellOfX = new Int32Array(w);
  for (let x = 0; x < w; x += stepX) cellOfX[x] = Math.min(size - 1, Math.floor((x * size) / w));
  const sums = new Float32Array(size * size);
  const counts = new Uint16Array(size * size);
  const rgb = image.rgb;
  for (let y = y1; y < y2; y += stepY) {
    const row = Math.min(size - 1, Math.floor(((y - y1) * size) / h)) * size;
    let i = 3 * (y * image.width + x1);
    const di = 3 * stepX;
    for (let x = 0; x < w; x += stepX, i += di) {
      const g = row + cellOfX[x]!;
      sums[g]! += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
      counts[g]!++;
    }
  }
  // A face smaller than the grid leaves empty cells: copy the nearest filled cell to the left or above.
  for (let g = 0; g < sums.length; g++) {
    if (counts[g]! > 0) sums[g] = sums[g]! / counts[g]!;
    else sums[g] = g % size > 0 ? sums[g - 1]! : g >= size ? sums[g - size]! : 0;
  }
  return sums;
}
const MAX_SAMPLES_PER_CELL = 2;

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
  // About BORDER_SAMPLES samples whatever the image size: the background is smooth.
  const area = 2 * strip * (width + height);
  const step = Math.max(1, Math.floor(Math.sqrt(area / BORDER_SAMPLES)));
  let lumaSum = 0;
  let satSum = 0;
  let n = 0;
  const sampleRow = (y: number, from: number, to: number) => {
    for (let x = from, i = 3 * (y * width + from); x < to; x += step, i += 3 * step) {
      const r = rgb[i]!;
      const g = rgb[i + 1]!;
      const b = rgb[i + 2]!;
      const max = r > g ? (r > b ? r : b) : g > b ? g : b;
      const min = r < g ? (r < b ? r : b) : g < b ? g : b;
      lumaSum += 0.299 * r + 0.587 * g + 0.114 * b;
      if (max > 0) satSum += (max - min) / max;
      n++;
    }
  };
  for (let y = 0; y < height; y += step) {
    if (y < strip || y >= height - strip) sampleRow(y, 0, width);
    else {
      sampleRow(y, 0, strip);
      sampleRow(y, width - strip, width);
    }
  }
  return { brightness: (100 * lumaSum) / n / 255, saturation: (100 * satSum) / n };
}
const BORDER_SAMPLES = 2000;

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
  const halfRow = FACE_GRID / 2;
  for (let g = 0, column = 0; g < grid.length; g++, column = column === FACE_GRID - 1 ? 0 : column + 1) {
    const v = grid[g]!;
    sum += v;
    histogram[(v + 0.5) | 0]!++;
    if (column < halfRow) leftHalf += v;
    if (v <= DARK_CLIP) dark++;
    if (v >= BRIGHT_CLIP) bright++;
  }
  const half = grid.length / 2;
  const border = borderStatistics(image);
  return {
    brightness: (100 * sum) / grid.length / 255,
    sharpness: sharpnessOf(grid),
    unevenness: (100 * Math.abs(leftHalf / half - (sum - leftHalf) / half)) / 255,
    shadows: (100 * percentile(histogram, grid.length, ILLUMINATION_CRITERIA.shadowsPercentile)) / 255,
    highlights: (100 * percentile(histogram, grid.length, ILLUMINATION_CRITERIA.highlightsPercentile)) / 255,
    underExposed: dark / grid.length,
    overExposed: bright / grid.length,
    backgroundBrightness: border.brightness,
    backgroundSaturation: border.saturation,
  };
}
