import type { DecodedImage } from '../types.js';

/** Luma range (1st to 99th percentile) at or above which an image is exposed well enough: no retry. */
const WELL_EXPOSED_RANGE = 160;
/** A median luma outside this band is under- or over-exposed even when the range is wide. */
const MEDIAN_BAND = [50, 205] as const;
const SAMPLES = 20_000;

/** 1st, 50th and 99th luma percentiles, from about SAMPLES pixels. */
export function lumaPercentiles(image: DecodedImage): { low: number; median: number; high: number } {
  const histogram = new Uint32Array(256);
  const pixels = image.width * image.height;
  const step = Math.max(1, Math.floor(pixels / SAMPLES));
  let n = 0;
  for (let p = 0; p < pixels; p += step, n++) {
    const i = 3 * p;
    histogram[Math.round(0.299 * image.rgb[i]! + 0.587 * image.rgb[i + 1]! + 0.114 * image.rgb[i + 2]!)]!++;
  }
  const at = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]!) >= share * n) return v;
    return 255;
  };
  return { low: at(0.01), median: at(0.5), high: at(0.99) };
}

/**
 * An exposure-normalised copy for a second detection attempt, or null when the image is exposed
 * well enough that normalising cannot help: the luma range is stretched to 0..255, then a gamma
 * brings the median to mid-grey. Never scored: the liveness model judges only camera pixels.
 */
export function normaliseExposure(image: DecodedImage): DecodedImage | null {
  const { low, median, high } = lumaPercentiles(image);
  const wellExposed = high - low >= WELL_EXPOSED_RANGE && median >= MEDIAN_BAND[0] && median <= MEDIAN_BAND[1];
  if (wellExposed || high <= low) return null;
  const stretch = (v: number) => Math.min(1, Math.max(0, (v - low) / (high - low)));
  const middle = Math.min(0.95, Math.max(0.05, stretch(median)));
  const gamma = Math.log(0.5) / Math.log(middle);
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.round(255 * stretch(v) ** gamma);
  const rgb = Buffer.allocUnsafe(image.rgb.length);
  for (let i = 0; i < rgb.length; i++) rgb[i] = table[image.rgb[i]!]!;
  return { ...image, rgb };
}
