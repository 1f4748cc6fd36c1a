import type { ModelSpec } from '../modelRegistry.js';
import { resampleArea } from './resample.js';
import type { CropRegion, DecodedImage } from '../types.js';

/**
 * Per-channel normalisation some models need (ImageNet mean/std), in the manifest beside the
 * scalar `mean`/`scale`: value fed = (pixel - channelMean[c]) * channelScale[c], c in RGB order.
 */
export interface ChannelNormalisation {
  readonly channelMean?: readonly [number, number, number];
  readonly channelScale?: readonly [number, number, number];
  /** Gray inputs: stretch each crop to its own min..max before normalising (set on data, see manifest). */
  readonly contrastStretch?: boolean;
}

type SpecInput = ModelSpec['input'] & ChannelNormalisation;

const inputOf = (spec: Pick<ModelSpec, 'input'>): SpecInput => spec.input as SpecInput;

/** The model's square input side (NCHW shape). */
export const inputSide = (spec: Pick<ModelSpec, 'input'>): number => spec.input.shape[3]!;

/** Interleaved RGB values (0..255) → the model's NCHW float input, per the manifest's conventions. */
export function modelTensor(rgb: ArrayLike<number>, spec: Pick<ModelSpec, 'input'>): Float32Array {
  const input = inputOf(spec);
  const plane = rgb.length / 3;
  if (input.channelOrder === 'GRAY') {
    const gray = new Float32Array(plane);
    let min = 255;
    let max = 0;
    for (let p = 0; p < plane; p++) {
      const v = 0.299 * rgb[3 * p]! + 0.587 * rgb[3 * p + 1]! + 0.114 * rgb[3 * p + 2]!;
      gray[p] = v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const stretch = input.contrastStretch && max - min > 1 ? 255 / (max - min) : 1;
    const offset = input.contrastStretch && max - min > 1 ? min : 0;
    for (let p = 0; p < plane; p++) gray[p] = ((gray[p]! - offset) * stretch - input.mean) * input.scale;
    return gray;
  }
  const data = new Float32Array(3 * plane);
  const order = input.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const source = order[c]!;
    const mean = input.channelMean?.[source] ?? input.mean;
    const scale = input.channelScale?.[source] ?? input.scale;
    const offset = c * plane;
    for (let p = 0; p < plane; p++) data[offset + p] = (rgb[3 * p + source]! - mean) * scale;
  }
  return data;
}

/** A region of the image, area-resampled to the model's square input, as its input tensor. */
export function regionTensor(image: DecodedImage, region: CropRegion, spec: Pick<ModelSpec, 'input'>): Float32Array {
  const side = inputSide(spec);
  return modelTensor(resampleArea(image, region, side, side), spec);
}

/** A region clipped to the image, never empty. */
export function clipRegion(image: Pick<DecodedImage, 'width' | 'height'>, x1: number, y1: number, x2: number, y2: number): CropRegion {
  const left = Math.min(image.width - 1, Math.max(0, Math.floor(x1)));
  const top = Math.min(image.height - 1, Math.max(0, Math.floor(y1)));
  const right = Math.max(left + 1, Math.min(image.width, Math.ceil(x2)));
  const bottom = Math.max(top + 1, Math.min(image.height, Math.ceil(y2)));
  return { left, top, width: right - left, height: bottom - top };
}
