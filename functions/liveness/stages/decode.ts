import { decode as decodeBmp } from 'bmp-ts';
import { imageSize } from 'image-size';
import sharp, { type Sharp } from 'sharp';
import { LivenessError } from '../errors.js';
import type { DecodedImage, ImageFormat } from '../types.js';

export interface DecodeLimits {
  /** Largest width x height accepted, against decompression bombs. */
  readonly maxPixels: number;
  /** Smallest side accepted: below this no face can be judged. */
  readonly minSide: number;
  /**
   * Longest side of the working image. Photos at least three times as long are decoded straight to
   * this size in one libvips pass (a JPEG is shrunk by 2, 4 or 8 while its DCT is decoded, the rest
   * is resampled), so every later stage costs what a webcam frame costs; smaller photos are kept
   * whole, shrinking them would cost more than it saves. 384 px is about the smallest image in which
   * every face large enough to pass FACE_TOO_FAR (12% of the frame) still gives the liveness crop
   * (2.7x the face) 128 source pixels, the model's input side.
   */
  readonly maxWorkingSide: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 25_000_000, minSide: 32, maxWorkingSide: 384 };

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

/** EXIF orientation 2..8 undone on pixels decoded as stored (sharp flips and flops before it rotates). */
function upright(image: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2: return image.flop();
    case 3: return image.rotate(180);
    case 4: return image.flip();
    case 5: return image.rotate(90).flip();
    case 6: return image.rotate(90);
    case 7: return image.rotate(90).flop();
    case 8: return image.rotate(270);
    default: return image;
  }
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
      : // Embedded colour profiles are not applied: the models learnt from OpenCV-decoded pixels, which
        // ignore them, and an ICC transform would cost more than the rest of the decode.
        sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated', sequentialRead: true, ignoreIcc: true });
  try {
    // The header alone (a few microseconds in JavaScript; BMP was parsed already) decides the size checks and the shrink.
    const meta = format === 'bmp' ? await pipeline.metadata() : imageSize(bytes);
    if (format !== 'bmp') checkSize(meta.width ?? 0, meta.height ?? 0, limits);
    const longestSide = Math.max(meta.width ?? 0, meta.height ?? 0);
    const shrink = longestSide >= 3 * limits.maxWorkingSide;
    // libvips shrinks a JPEG on load only when nothing must be rotated first: a large photo is
    // resized as stored and the small result turned upright afterwards.
    const orientation = shrink ? (meta.orientation ?? 1) : 1;
    if (shrink) pipeline.resize(limits.maxWorkingSide, limits.maxWorkingSide, { fit: 'inside' });
    else pipeline.autoOrient();
    let { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw corrupt(format);
    if (orientation > 1 && orientation <= 8) {
      const raw = sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
      ({ data, info } = await upright(raw, orientation).raw().toBuffer({ resolveWithObject: true }));
    }
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
