import type { CropRegion, DecodedImage } from '../types.js';

/** For each output index, the source indices it covers and the share of each (weights sum to 1). */
interface Footprints {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float32Array;
  readonly stride: number;
}

function footprints(srcOffset: number, srcLength: number, outLength: number): Footprints {
  const scale = srcLength / outLength;
  const stride = Math.ceil(scale) + 2;
  const start = new Int32Array(outLength);
  const count = new Int32Array(outLength);
  const weights = new Float32Array(outLength * stride);
  for (let o = 0; o < outLength; o++) {
    const from = o * scale;
    const to = Math.min(srcLength, from + scale);
    const first = Math.floor(from);
    const last = Math.min(srcLength - 1, Math.ceil(to) - 1);
    start[o] = srcOffset + first;
    count[o] = last - first + 1;
    for (let s = first; s <= last; s++) {
      const covered = Math.min(to, s + 1) - Math.max(from, s);
      weights[o * stride + (s - first)] = covered / (to - from);
    }
  }
  return { start, count, weights, stride };
}

let scratchBuffer = new Float32Array(0);
const scratch = (length: number): Float32Array => {
  if (scratchBuffer.length < length) scratchBuffer = new Float32Array(length);
  return scratchBuffer;
};

/**
 * Area-average resampling of an image region to outW x outH interleaved RGB floats (0..255):
 * each output pixel is the exact area-weighted mean of the source pixels under it, which is the
 * antialiased downscale the models expect; upscaling degrades to nearest. Separable, in memory, no
 * native round trip: cheaper than a sharp pipeline for the small model inputs we need.
 */
export function resampleArea(image: DecodedImage, region: CropRegion, outW: number, outH: number): Float32Array {
  const xs = footprints(region.left, region.width, outW);
  const ys = footprints(region.top, region.height, outH);
  const src = image.rgb;
  const rowStride = image.width * 3;
  const { start: xStart, count: xCount, weights: xWeights, stride: xStride } = xs;
  // Horizontal pass over the rows of the region only, into a scratch buffer kept between calls
  // (this function never yields, so one buffer serves every caller; it spares the collector).
  const lineLength = outW * 3;
  const rows = scratch(region.height * lineLength);
  for (let y = 0; y < region.height; y++) {
    const srcRow = (region.top + y) * rowStride;
    let q = y * lineLength;
    for (let o = 0; o < outW; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const n = xCount[o] as number;
      let w = o * xStride;
      let p = srcRow + (xStart[o] as number) * 3;
      for (let k = 0; k < n; k++) {
        const weight = xWeights[w++] as number;
        r += (src[p++] as number) * weight;
        g += (src[p++] as number) * weight;
        b += (src[p++] as number) * weight;
      }
      rows[q++] = r;
      rows[q++] = g;
      rows[q++] = b;
    }
  }
  // Vertical pass.
  const out = new Float32Array(outH * lineLength);
  const { start: yStart, count: yCount, weights: yWeights, stride: yStride } = ys;
  for (let o = 0; o < outH; o++) {
    const n = yCount[o] as number;
    const firstRow = (yStart[o] as number) - region.top;
    const dst = o * lineLength;
    const first = firstRow * lineLength;
    const w0 = yWeights[o * yStride] as number;
    for (let i = 0; i < lineLength; i++) out[dst + i] = (rows[first + i] as number) * w0;
    for (let k = 1; k < n; k++) {
      const weight = yWeights[o * yStride + k] as number;
      const line = (firstRow + k) * lineLength;
      for (let i = 0; i < lineLength; i++) out[dst + i] = (out[dst + i] as number) + (rows[line + i] as number) * weight;
    }
  }
  return out;
}

/** Where interleaved pixels go inside larger NCHW planes (the letterboxed detector input). */
export interface PlanePlacement {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly top: number;
  readonly planeWidth: number;
  readonly planeHeight: number;
}

/** Interleaved RGB values → a sub-rectangle of NCHW planes, in the given channel order, as (v - mean) * scale. */
export function interleavedToPlanes(
  rgb: ArrayLike<number>,
  channelOrder: 'RGB' | 'BGR',
  mean: number,
  scale: number,
  into: PlanePlacement,
): Float32Array {
  const order = channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const { data, width, height, left, top, planeWidth, planeHeight } = into;
  const plane = planeWidth * planeHeight;
  for (let c = 0; c < 3; c++) {
    const source = order[c]!;
    for (let y = 0; y < height; y++) {
      const dst = c * plane + (top + y) * planeWidth + left;
      const src = y * width * 3 + source;
      for (let x = 0; x < width; x++) data[dst + x] = (rgb[src + 3 * x]! - mean) * scale;
    }
  }
  return data;
}

/**
 * 2x2 means of an image exactly twice the placement, straight into RGB NCHW planes as
 * (v - mean) * scale: the exact area downscale of a VGA frame to the detector, in one pass.
 */
export function halveIntoPlanes(image: DecodedImage, mean: number, scale: number, into: PlanePlacement): Float32Array {
  const { data, width, height, left, top, planeWidth, planeHeight } = into;
  const src = image.rgb;
  const rowStride = image.width * 3;
  const plane = planeWidth * planeHeight;
  const k = scale / 4;
  const offset = mean * scale;
  for (let y = 0; y < height; y++) {
    let a = 2 * y * rowStride;
    let b = a + rowStride;
    let d = (top + y) * planeWidth + left;
    for (let x = 0; x < width; x++, a += 6, b += 6, d++) {
      data[d] = (src[a]! + src[a + 3]! + src[b]! + src[b + 3]!) * k - offset;
      data[d + plane] = (src[a + 1]! + src[a + 4]! + src[b + 1]! + src[b + 4]!) * k - offset;
      data[d + 2 * plane] = (src[a + 2]! + src[a + 5]! + src[b + 2]! + src[b + 5]!) * k - offset;
    }
  }
  return data;
}
