import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/commons/apiErrors.js';
import { parseLivenessBody } from '../../functions/commons/livenessRequest.js';
import { loadConfig } from '../../functions/commons/config.js';

// Distinct bytes per frame so the order can be checked.
const frame = (n: number) => Buffer.from([0xff, 0xd8, 0xff, 0xe0, n]);
const part = (n: number) => ({ content: frame(n), filename: `f${n}.jpg`, mimetype: 'image/jpeg' });

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return `${error.statusCode} ${error.reason}`;
    throw error;
  }
  return 'no error';
};

describe('parsing several frames of one capture into LivenessRequest.images', () => {
  it('keeps one image as one frame', () => {
    expect(parseLivenessBody({ image: part(1) }).images).toEqual([frame(1)]);
  });

  it('reads multipart image, image2 ... image8 in order, whatever the field order', () => {
    const body = { image3: part(3), image: part(1), image2: part(2), livenessMethod: 'merged' };
    expect(parseLivenessBody(body).images).toEqual([frame(1), frame(2), frame(3)]);
  });

  it('reads a repeated multipart `frames` field (middy gives an array) after image', () => {
    expect(parseLivenessBody({ image: part(1), frames: [part(2), part(3)] }).images).toEqual([frame(1), frame(2), frame(3)]);
    expect(parseLivenessBody({ frames: [part(4), part(5)] }).images).toEqual([frame(4), frame(5)]);
    expect(parseLivenessBody({ frames: part(6) }).images).toEqual([frame(6)]);
  });

  it('reads JSON images: [base64 ...] and data URLs', () => {
    const images = [frame(1).toString('base64'), `data:image/jpeg;base64,${frame(2).toString('base64')}`];
    expect(parseLivenessBody({ images }).images).toEqual([frame(1), frame(2)]);
  });

  it.each([
    [{ images: Array.from({ length: 9 }, (_, i) => frame(i).toString('base64')) }, '400 TOO_MANY_FRAMES'],
    [{ image: part(1), frames: Array.from({ length: 8 }, (_, i) => part(i)) }, '400 TOO_MANY_FRAMES'],
    [{ image: part(1), image9: part(9) }, '400 TOO_MANY_FRAMES'],
    [{ image: part(1), image1: part(2) }, '400 INVALID_IMAGE_FIELD'],
    [{ images: 'abc' }, '400 INVALID_IMAGE_FIELD'],
    [{ images: [] }, '400 MISSING_IMAGE'],
    [{ image: part(1), image2: [part(2), part(3)] }, '400 MULTIPLE_IMAGES'],
    [{ images: [12] }, '400 INVALID_IMAGE_FIELD'],
  ])('rejects %j with %s', (body, expected) => {
    expect(reasonOf(() => parseLivenessBody(body))).toBe(expected);
  });

  it('applies the configured frame count and total size, with 413 for too many bytes', () => {
    const limits = { maxFrames: 2, maxTotalBytes: 12 };
    expect(reasonOf(() => parseLivenessBody({ image: part(1), image2: part(2), image3: part(3) }, limits))).toBe('400 TOO_MANY_FRAMES');
    expect(parseLivenessBody({ image: part(1), image2: part(2) }, limits).images).toHaveLength(2);
    expect(reasonOf(() => parseLivenessBody({ image: part(1), image2: part(2) }, { ...limits, maxTotalBytes: 9 }))).toBe('413 FRAMES_TOO_LARGE');
  });

  it('reads the frame limits from the environment and refuses more than 8 frames', () => {
    expect(loadConfig({}).frames).toEqual({ maxFrames: 8, maxTotalBytes: 6 * 1024 * 1024, maxFramePixels: 4096 * 4096 });
    expect(loadConfig({ LIVENESS_MAX_FRAMES: '3', LIVENESS_MAX_FRAME_PIXELS: '1000000' }).frames).toMatchObject({
      maxFrames: 3,
      maxFramePixels: 1_000_000,
    });
    expect(() => loadConfig({ LIVENESS_MAX_FRAMES: '9' })).toThrow(/LIVENESS_MAX_FRAMES must be a whole number from 1 to 8/);
    expect(() => loadConfig({ LIVENESS_MAX_FRAMES: '2.5' })).toThrow(/LIVENESS_MAX_FRAMES/);
  });
});
