import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/commons/apiErrors.js';
import { decodeBase64Image, featuresNeeded, parseLivenessBody, QUALITY_CHECKS } from '../../functions/commons/livenessRequest.js';

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
    [{ image: file, 'qualityChecks.glare': 'yes' }, '400 INVALID_OPTION'],
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
