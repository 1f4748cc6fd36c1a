import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/commons/apiErrors.js';
import { decodeBase64Image, featuresNeeded, parseLivenessBody, parseLivenessDraft, QUALITY_CHECKS } from '../../functions/commons/livenessRequest.js';

const image = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const file = { content: image, filename: 'a.jpg', mimetype: 'image/jpeg' };

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return `${error.statusCode} ${error.reason}`;
    throw error;
  }
  return 'no error';
};

describe('parsing the checkLiveness body (multipart fields or JSON keys)', () => {
  it('defaults every option as HyperVerge does', () => {
    expect(parseLivenessBody({ image: file }).options).toEqual({
      returnCroppedImageURL: false,
      qualityChecks: [],
      ageRange: false,
      checkGender: false,
      livenessMethod: 'faster',
      selectionCriteria: 'CLOSEST_TO_CAMERA',
      threshold: undefined,
    });
  });

  it('reads all 14 quality checks from flat form fields and from a nested JSON object alike', () => {
    const flat = Object.fromEntries(QUALITY_CHECKS.map((n) => [`qualityChecks.${n}`, 'yes']));
    const nested = { qualityChecks: Object.fromEntries(QUALITY_CHECKS.map((n) => [n, true])) };
    expect(parseLivenessBody({ image: file, ...flat }).options.qualityChecks).toEqual(QUALITY_CHECKS);
    expect(parseLivenessBody({ image: image.toString('base64'), ...nested }).options.qualityChecks).toEqual(QUALITY_CHECKS);
    expect(QUALITY_CHECKS).toHaveLength(14);
  });

  it('reads yes/no case-insensitively, and the other options', () => {
    const { options } = parseLivenessBody({
      image: file,
      returnCroppedImageURL: 'YES',
      ageRange: 'yes',
      checkGender: 'No',
      livenessMethod: 'merged',
      selectionCriteria: 'highest_confidence',
      threshold: '0.25',
      somethingElse: 'ignored',
    });
    expect(options).toMatchObject({
      returnCroppedImageURL: true,
      ageRange: true,
      checkGender: false,
      livenessMethod: 'merged',
      selectionCriteria: 'HIGHEST_CONFIDENCE',
      threshold: 0.25,
    });
  });

  it.each([
    [{ image: file, threshold: '-0.1' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: 'NaN' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: [0.5] }, '400 INVALID_OPTION'],
    [{ image: file, ageRange: 'sometimes' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '   ' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '0x1' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '0b1' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '1e0' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '+0.5' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: 'Infinity' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: '1.5' }, '400 INVALID_OPTION'],
    [{ image: file, threshold: 1.01 }, '400 INVALID_OPTION'],
    [{ image: file, 'qualityChecks.blur': 'maybe' }, '400 INVALID_OPTION'],
    [{ image: file, qualityChecks: { blur: 'maybe' } }, '400 INVALID_OPTION'],
    [{ image: file, qualityChecks: null }, '400 INVALID_OPTION'],
    [{ image: file, livenessMethod: '   ' }, '400 INVALID_OPTION'],
    [{ image: file, qualityChecks: 'yes' }, '400 INVALID_OPTION'],
    [{ image: file, selectionCriteria: 7 }, '400 INVALID_OPTION'],
    [{}, '400 MISSING_IMAGE'],
    [{ image: [file, file] }, '400 MULTIPLE_IMAGES'],
    [{ image: 12 }, '400 INVALID_IMAGE_FIELD'],
    [{ image: '%%%' }, '400 INVALID_BASE64'],
    [[], '400 INVALID_BODY'],
    [null, '400 INVALID_BODY'],
  ])('rejects %j with %s', (body, expected) => {
    expect(reasonOf(() => parseLivenessBody(body))).toBe(expected);
  });

  it('ignores unknown quality checks, in flat and nested form, as docs/api.md says (newer HyperVerge checks keep working)', () => {
    const { options } = parseLivenessBody({ image: file, 'qualityChecks.glare': 'yes', 'qualityChecks.blur': 'yes', qualityChecks: { futureCheck: 'maybe', sunglasses: 'yes' } });
    expect(options.qualityChecks).toEqual(['blur', 'sunglasses']);
  });

  it.each([
    ['0', 0],
    ['.5', 0.5],
    [' 0.5 ', 0.5],
    ['1', 1],
    ['1.0', 1],
    ['0.', 0],
    [0.25, 0.25],
    ['', undefined],
  ])('accepts the threshold %j in plain decimal notation as %j', (value, expected) => {
    expect(parseLivenessBody({ image: file, threshold: value }).options.threshold).toBe(expected);
  });

  it('names the field and what it must be in the message', () => {
    try {
      parseLivenessBody({ image: file, threshold: '0x1' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('threshold must be a number from 0 to 1 in plain decimal notation (e.g. 0.5)');
    }
    try {
      parseLivenessBody({ image: file, qualityChecks: { blur: 'maybe' } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('qualityChecks.blur must be yes or no');
    }
  });

  it('maps the frames of one capture in order: image, image2…image8, repeated frames, or a JSON images array (max 8)', () => {
    const frame = (n: number) => ({ content: Buffer.from([0xff, 0xd8, n]), filename: `${n}.jpg`, mimetype: 'image/jpeg' });
    expect(parseLivenessBody({ image: frame(1), image2: frame(2), image3: frame(3) }).images.map((b) => b[2])).toEqual([1, 2, 3]);
    expect(parseLivenessBody({ frames: [frame(4), frame(5)] }).images.map((b) => b[2])).toEqual([4, 5]);
    expect(parseLivenessBody({ frames: frame(6) }).images.map((b) => b[2])).toEqual([6]);
    const b64 = (n: number) => Buffer.from([0xff, 0xd8, n]).toString('base64');
    expect(parseLivenessBody({ images: [b64(7), b64(8)] }).images.map((b) => b[2])).toEqual([7, 8]);
    expect(reasonOf(() => parseLivenessBody({ images: Array.from({ length: 9 }, (_, i) => b64(i)) }))).toBe('400 TOO_MANY_FRAMES');
    expect(reasonOf(() => parseLivenessBody({ image: frame(1), frames: Array.from({ length: 8 }, (_, i) => frame(i)) }))).toBe('400 TOO_MANY_FRAMES');
    expect(reasonOf(() => parseLivenessBody({ images: [12] }))).toBe('400 INVALID_IMAGE_FIELD');
  });

  it('takes an imageUrl instead of an image, never both', () => {
    expect(parseLivenessDraft({ imageUrl: ' https://example.com/a.jpg ' })).toMatchObject({ imageUrl: 'https://example.com/a.jpg' });
    expect(reasonOf(() => parseLivenessDraft({ image: file, imageUrl: 'https://example.com/a.jpg' }))).toBe('400 MULTIPLE_IMAGES');
    expect(reasonOf(() => parseLivenessBody({ imageUrl: 'https://example.com/a.jpg' }))).toBe('400 MISSING_IMAGE');
    expect(reasonOf(() => parseLivenessDraft({ imageUrl: 7 }))).toBe('400 INVALID_IMAGE_FIELD');
  });

  it('decodes base64, base64url, wrapped base64 and data URLs to the same bytes', () => {
    const b64 = image.toString('base64');
    expect(decodeBase64Image(b64)).toEqual(image);
    expect(decodeBase64Image(image.toString('base64url'))).toEqual(image);
    expect(decodeBase64Image(`${b64.slice(0, 4)}\n${b64.slice(4)}`)).toEqual(image);
    expect(decodeBase64Image(`data:image/jpeg;base64,${b64}`)).toEqual(image);
    expect(reasonOf(() => decodeBase64Image('data:image/jpeg,rawtext'))).toBe('400 INVALID_BASE64');
  });

  it('names the plan features a request needs', () => {
    const base = parseLivenessBody({ image: file }).options;
    expect(featuresNeeded(base)).toEqual(['checkLiveness']);
    expect(featuresNeeded({ ...base, qualityChecks: ['blur'], checkGender: true, returnCroppedImageURL: true })).toEqual([
      'checkLiveness',
      'qualityChecks',
      'faceAttributes',
      'croppedFace',
    ]);
  });
});
