import { decode as decodeBmp } from 'bmp-ts';
import sharp, { type Sharp } from 'sharp';
import { LivenessError } from '../errors.js';
import type { DecodedImage, ImageFormat } from '../types.js';

export interface DecodeLimits {
  /** Largest width x height accepted, against decompression bombs. */
  readonly maxPixels: number;
  /** Smallest side accepted: below this no face can be judged. */
  readonly minSide: number;
  /**
   * Longest side of the working image for photos more than twice as large: a 12-megapixel phone
   * photo is shrunk while decoding (libvips shrinks JPEGs on load only from 2x), so every later stage
   * costs what a 1280-pixel photo costs; the liveness crop is 128 px anyway. Smaller photos are kept
   * whole: shrinking them would cost more (a full decode plus a resize) than it saves.
   */
  readonly maxWorkingSide: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 25_000_000, minSide: 32, maxWorkingSide: 1280 };

/** Format by content, never by file name or declared type. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const at = (i: number) => bytes[i];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'png';
  if (at(0) === 0x42 && at(1) === 0x4d && bytes.length > 26) return 'bmp';
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (bytes.length > 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

const corrupt = (format: ImageFormat) =>
  new LivenessError('CORRUPT_IMAGE', `the ${format.toUpperCase()} data is truncated or corrupt`);

function tooLarge(width: number, height: number, limits: DecodeLimits) {
  return new LivenessError(
    'IMAGE_TOO_LARGE',
    `image is ${width}x${height} pixels; at most ${limits.maxPixels} pixels are accepted`,
  );
}

function checkSize(width: number, height: number, limits: DecodeLimits): void {
  if (width * height > limits.maxPixels) throw tooLarge(width, height, limits);
  if (Math.min(width, height) < limits.minSide) {
    throw new LivenessError('IMAGE_TOO_SMALL', `image is ${width}x${height} pixels; each side needs ${limits.minSide}`);
  }
}

/** BMP is not read by libvips: parse it with bmp-ts (ABGR) and hand sharp raw pixels. */
function bmpToRaw(bytes: Uint8Array, limits: DecodeLimits): Sharp {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Header fields first: a hostile header must not make the decoder allocate gigabytes.
  const width = Math.abs(view.readInt32LE(18));
  const height = Math.abs(view.readInt32LE(22));
  checkSize(width, height, limits);
  let bmp: ReturnType<typeof decodeBmp>;
  try {
    bmp = decodeBmp(view);
  } catch {
    throw corrupt('bmp');
  }
  const expected = bmp.width * bmp.height * 4;
  if (!bmp.data || bmp.data.length < expected) throw corrupt('bmp');
  const rgb = Buffer.allocUnsafe(bmp.width * bmp.height * 3);
  for (let p = 0, q = 0; p < expected; p += 4, q += 3) {
    rgb[q] = bmp.data[p + 3]!;
    rgb[q + 1] = bmp.data[p + 2]!;
    rgb[q + 2] = bmp.data[p + 1]!;
  }
  return sharp(rgb, { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
}

/** Stage 1: bytes → upright RGB pixels, with format, size and integrity checked. */
export async function decodeImage(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new LivenessError('EMPTY_IMAGE', 'the image is empty');
  const format = sniffFormat(bytes);
  if (!format) {
    throw new LivenessError('UNSUPPORTED_FILE_TYPE', 'unsupported file type: send a JPEG, PNG, WebP or BMP image');
  }
  const pipeline =
    format === 'bmp'
      ? bmpToRaw(bytes, limits)
      : sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated', sequentialRead: true });
  try {
    const meta = await pipeline.metadata();
    if (format !== 'bmp') checkSize(meta.width ?? 0, meta.height ?? 0, limits);
    const longestSide = Math.max(meta.width ?? 0, meta.height ?? 0);
    if (longestSide > 2 * limits.maxWorkingSide) {
      pipeline.resize(limits.maxWorkingSide, limits.maxWorkingSide, { fit: 'inside' });
    }
    const { data, info } = await pipeline
      .autoOrient()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw corrupt(format);
    return { format, width: info.width, height: info.height, rgb: data, scale: longestSide / Math.max(info.width, info.height) };
  } catch (error) {
    if (error instanceof LivenessError) throw error;
    if (/pixel limit/i.test(String(error))) {
      // sharp refuses before reporting the size; the header alone (no decoding) gives the real one.
      const header = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
      throw tooLarge(header?.width ?? 0, header?.height ?? 0, limits);
    }
    throw corrupt(format);
  }
}
