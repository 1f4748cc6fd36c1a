import { readFileSync } from 'node:fs';
import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LivenessError } from '../../../functions/liveness/errors.js';
import { decodeImage, sniffFormat } from '../../../functions/liveness/stages/decode.js';
import { samplePhotos } from '../../helpers/faces.js';

const photo = readFileSync(samplePhotos[0]!);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LivenessError);
    return (error as LivenessError).code;
  }
  return 'no error';
}

/** The same photo as BMP (bmp-ts wants ABGR). */
async function asBmp(jpeg: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const abgr = Buffer.alloc(info.width * info.height * 4);
  for (let p = 0, q = 0; p < data.length; p += 3, q += 4) {
    abgr[q] = 0xff;
    abgr[q + 1] = data[p + 2]!;
    abgr[q + 2] = data[p + 1]!;
    abgr[q + 3] = data[p]!;
  }
  return encodeBmp({ data: abgr, width: info.width, height: info.height, bitPP: 24 }).data;
}

describe('decodeImage', () => {
  it('reads JPEG, PNG, WebP and BMP of the same photo to the same upright RGB pixels', async () => {
    const jpeg = await decodeImage(photo);
    const variants = {
      png: await sharp(photo).png().toBuffer(),
      webp: await sharp(photo).webp({ lossless: true }).toBuffer(),
      bmp: await asBmp(photo),
    };
    for (const [format, bytes] of Object.entries(variants)) {
      const decoded = await decodeImage(bytes);
      expect(decoded.format).toBe(format);
      expect([decoded.width, decoded.height]).toEqual([jpeg.width, jpeg.height]);
      expect(decoded.rgb.length).toBe(jpeg.width * jpeg.height * 3);
      // Lossless re-encodings of the decoded JPEG: the pixels must match closely.
      let diff = 0;
      for (let i = 0; i < decoded.rgb.length; i += 997) diff += Math.abs(decoded.rgb[i]! - jpeg.rgb[i]!);
      expect(diff / (decoded.rgb.length / 997)).toBeLessThan(2);
    }
  });

  it('detects the format by content, not by name: PNG bytes are PNG', async () => {
    const png = await sharp(photo).png().toBuffer();
    expect(sniffFormat(png)).toBe('png');
    expect(sniffFormat(photo)).toBe('jpeg');
    expect(sniffFormat(Buffer.from('GIF89a......'))).toBeUndefined();
  });

  it('applies the EXIF orientation so the image is upright', async () => {
    const small = await sharp(photo).resize(800).jpeg().toBuffer();
    const upright = await decodeImage(small);
    // Pixels stored rotated a quarter turn anticlockwise, with orientation 6 ("rotate 90 clockwise to view").
    const stored = await sharp(small).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height]).toEqual([upright.height, upright.width]);
    const decoded = await decodeImage(stored);
    expect([decoded.width, decoded.height]).toEqual([upright.width, upright.height]);
  });

  it('gives a distinct error code for each kind of unusable input, without crashing', async () => {
    const codes = {
      empty: await codeOf(decodeImage(new Uint8Array(0))),
      text: await codeOf(decodeImage(Buffer.from('this is not an image, it is a sentence'))),
      truncated: await codeOf(decodeImage(photo.subarray(0, Math.floor(photo.length / 2)))),
      garbage: await codeOf(decodeImage(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5000, 7)]))),
      // A 30-megapixel PNG compresses to a few kilobytes: the bomb must be refused from its header.
      bomb: await codeOf(
        decodeImage(
          await sharp({ create: { width: 6000, height: 5000, channels: 3, background: '#888' } }).png().toBuffer(),
        ),
      ),
      tiny: await codeOf(decodeImage(await sharp(photo).resize(16, 16).png().toBuffer())),
    };
    expect(codes).toEqual({
      empty: 'EMPTY_IMAGE',
      text: 'UNSUPPORTED_FILE_TYPE',
      truncated: 'CORRUPT_IMAGE',
      garbage: 'CORRUPT_IMAGE',
      bomb: 'IMAGE_TOO_LARGE',
      tiny: 'IMAGE_TOO_SMALL',
    });
  });

  it('refuses a BMP whose header claims a huge size before allocating it', async () => {
    const header = Buffer.alloc(64);
    header.write('BM', 0, 'latin1');
    header.writeInt32LE(100_000, 18);
    header.writeInt32LE(100_000, 22);
    expect(await codeOf(decodeImage(header))).toBe('IMAGE_TOO_LARGE');
  });

  it('rejects a truncated BMP as corrupt', async () => {
    const bmp = await asBmp(await sharp(photo).resize(200, 150).jpeg().toBuffer());
    expect(await codeOf(decodeImage(bmp.subarray(0, 2000)))).toBe('CORRUPT_IMAGE');
  });

  it('shrinks a large photo to the working size while decoding, and says by how much', async () => {
    const meta = await sharp(photo).metadata();
    const decoded = await decodeImage(photo, { maxPixels: 25_000_000, minSide: 32, maxWorkingSide: 640 });
    expect(Math.max(decoded.width, decoded.height)).toBe(640);
    expect(decoded.scale).toBeCloseTo(Math.max(meta.width!, meta.height!) / 640, 5);
  });

  it('turns a large photo upright after shrinking it, for each of the 8 EXIF orientations', async () => {
    const large = await sharp(photo).resize(1200, 900).jpeg({ quality: 95 }).toBuffer();
    const limits = { maxPixels: 25_000_000, minSide: 32, maxWorkingSide: 384 };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tagged = await sharp(large).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
      // libvips' own order (upright first, then resize) as the reference.
      const reference = await sharp(tagged).autoOrient().resize(384, 384, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
      const decoded = await decodeImage(tagged, limits);
      expect([decoded.width, decoded.height], `orientation ${orientation}`).toEqual([reference.info.width, reference.info.height]);
      let difference = 0;
      for (let i = 0; i < decoded.rgb.length; i++) difference += Math.abs(decoded.rgb[i]! - reference.data[i]!);
      expect(difference / decoded.rgb.length, `orientation ${orientation}`).toBeLessThan(3);
    }
  });

  it('reads a greyscale image as three channels', async () => {
    const grey = await sharp(photo).greyscale().jpeg().toBuffer();
    const decoded = await decodeImage(grey);
    expect(decoded.rgb.length).toBe(decoded.width * decoded.height * 3);
  });
});
