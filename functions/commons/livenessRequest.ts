import { QUALITY_CHECK_NAMES, type QualityCheckName } from '../liveness/quality/types.js';
import { SELECTION_CRITERIA, type SelectionCriteria } from '../liveness/types.js';
import { ApiError } from './apiErrors.js';
import type { Feature } from './plans.js';

/** HyperVerge's 14 quality checks, requested as `qualityChecks.<name>` yes|no (SPEC §3). */
export const QUALITY_CHECKS = QUALITY_CHECK_NAMES;
export type QualityCheck = QualityCheckName;

export type LivenessMethod = 'faster' | 'merged';

/** Every option of SPEC §3, validated. */
export interface LivenessOptions {
  readonly returnCroppedImageURL: boolean;
  /** The checks asked for with `yes`. */
  readonly qualityChecks: readonly QualityCheck[];
  readonly ageRange: boolean;
  readonly checkGender: boolean;
  readonly livenessMethod: LivenessMethod;
  readonly selectionCriteria: SelectionCriteria;
  readonly threshold?: number;
}

export interface LivenessRequest {
  /** The frames of one capture, in order (1 for a single selfie, up to the configured maximum, 8 by default). */
  readonly images: readonly Buffer[];
  readonly options: LivenessOptions;
}

const invalid = (reason: string, message: string) => new ApiError('PARSE_ERROR', reason, message);

function yesNo(name: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (value === true || value === false) return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'yes' || v === 'true') return true;
    if (v === 'no' || v === 'false') return false;
  }
  throw invalid('INVALID_OPTION', `${name} must be yes or no`);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  const found = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase()) : undefined;
  if (!found) throw invalid('INVALID_OPTION', `${name} must be one of ${allowed.join(', ')}`);
  return found;
}

function threshold(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) throw invalid('INVALID_OPTION', 'threshold must be a number from 0 to 1');
  return n;
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** base64 or a data URL (`data:image/jpeg;base64,...`) → bytes. */
export function decodeBase64Image(text: string): Buffer {
  let payload = text.trim();
  const dataUrl = /^data:([^;,]*)(;[^,]*)?,/i.exec(payload);
  if (dataUrl) {
    if (!/;base64$/i.test(dataUrl[2] ?? '')) throw invalid('INVALID_BASE64', 'a data URL image must be base64-encoded');
    payload = payload.slice(dataUrl[0].length);
  }
  payload = payload.replace(/\s+/g, '');
  if (!BASE64.test(payload)) throw invalid('INVALID_BASE64', 'image is not valid base64');
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}

interface MultipartFile {
  readonly content: Buffer;
  readonly filename?: string;
  readonly mimetype?: string;
}
const isFile = (v: unknown): v is MultipartFile =>
  typeof v === 'object' && v !== null && Buffer.isBuffer((v as MultipartFile).content);

function imageOf(value: unknown): Buffer {
  if (value === undefined || value === null) throw invalid('MISSING_IMAGE', 'the image field is required');
  if (Array.isArray(value)) throw invalid('MULTIPLE_IMAGES', 'send exactly one image field');
  if (isFile(value)) return value.content;
  if (typeof value === 'string') return decodeBase64Image(value);
  throw invalid('INVALID_IMAGE_FIELD', 'image must be a file part, a base64 string or a data URL');
}

/** How many frames one request may carry and how many bytes they may weigh together (config.ts). */
export interface FrameRequestLimits {
  readonly maxFrames: number;
  readonly maxTotalBytes: number;
}

/** Highest `imageN` field name read (`image`, `image2` ... `image8`). */
export const MAX_IMAGE_FIELD = 8;
export const DEFAULT_FRAME_REQUEST_LIMITS: FrameRequestLimits = { maxFrames: MAX_IMAGE_FIELD, maxTotalBytes: 6 * 1024 * 1024 };

const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/**
 * The frames of one capture, in order: `image`, then `image2`...`image8`, then the repeated
 * `frames` field (multipart; an array in the order sent), then JSON `images: [base64...]`. Each may
 * be a file part, base64 or a data URL.
 */
function framesOf(b: Record<string, unknown>, limits: FrameRequestLimits): Buffer[] {
  const beyond = Object.keys(b).find((k) => /^image\d+$/.test(k) && (Number(k.slice(5)) > MAX_IMAGE_FIELD || Number(k.slice(5)) < 2));
  if (beyond) throw invalid(Number(beyond.slice(5)) > MAX_IMAGE_FIELD ? 'TOO_MANY_FRAMES' : 'INVALID_IMAGE_FIELD', `unknown frame field ${beyond}: use image, image2 ... image${MAX_IMAGE_FIELD}`);
  if (b.images !== undefined && !Array.isArray(b.images)) throw invalid('INVALID_IMAGE_FIELD', 'images must be an array of base64 images');
  const others = [
    ...Array.from({ length: MAX_IMAGE_FIELD - 1 }, (_, i) => b[`image${i + 2}`]).flatMap((v) => {
      if (Array.isArray(v)) throw invalid('MULTIPLE_IMAGES', 'send each imageN field once');
      return asList(v);
    }),
    ...asList(b.frames),
    ...asList(b.images),
  ];
  // Frames sent only as `frames` or `images` are fine: their first is the first frame.
  const values = b.image === undefined || b.image === null ? others : [b.image, ...others];
  if (values.length === 0) throw invalid('MISSING_IMAGE', 'the image field is required');
  if (values.length > limits.maxFrames) {
    throw invalid('TOO_MANY_FRAMES', `${values.length} frames sent; at most ${limits.maxFrames} frames of one capture`);
  }
  const frames = values.map(imageOf);
  const total = frames.reduce((sum, f) => sum + f.length, 0);
  if (total > limits.maxTotalBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', 'FRAMES_TOO_LARGE', `the frames weigh ${total} bytes together; at most ${limits.maxTotalBytes}`, {
      summary: 'IMAGE_TOO_LARGE',
    });
  }
  return frames;
}

/** A field from a flat (`qualityChecks.blur`) or nested (`qualityChecks: {blur}`) body. */
function field(body: Record<string, unknown>, path: string): unknown {
  if (path in body) return body[path];
  const [head, tail] = path.split('.', 2) as [string, string | undefined];
  const nested = body[head];
  return tail !== undefined && typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>)[tail] : undefined;
}

/** A parsed multipart or JSON body → the frames and validated options. Unknown keys are ignored. */
export function parseLivenessBody(body: unknown, limits: FrameRequestLimits = DEFAULT_FRAME_REQUEST_LIMITS): LivenessRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('INVALID_BODY', 'the body must be a form or a JSON object');
  }
  const b = body as Record<string, unknown>;
  const nested = b.qualityChecks;
  if (nested !== undefined && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) {
    throw invalid('INVALID_OPTION', 'qualityChecks must be an object of yes|no flags');
  }
  const unknownChecks = [
    ...Object.keys(b).filter((k) => k.startsWith('qualityChecks.')).map((k) => k.slice('qualityChecks.'.length)),
    ...Object.keys((nested as Record<string, unknown> | undefined) ?? {}),
  ].filter((name) => !(QUALITY_CHECKS as readonly string[]).includes(name));
  if (unknownChecks.length > 0) {
    throw invalid('INVALID_OPTION', `unknown quality check ${unknownChecks[0]}; known: ${QUALITY_CHECKS.join(', ')}`);
  }
  const options: LivenessOptions = {
    returnCroppedImageURL: yesNo('returnCroppedImageURL', field(b, 'returnCroppedImageURL')),
    qualityChecks: QUALITY_CHECKS.filter((name) => yesNo(`qualityChecks.${name}`, field(b, `qualityChecks.${name}`))),
    ageRange: yesNo('ageRange', field(b, 'ageRange')),
    checkGender: yesNo('checkGender', field(b, 'checkGender')),
    livenessMethod: oneOf<LivenessMethod>('livenessMethod', field(b, 'livenessMethod'), ['faster', 'merged'], 'faster'),
    selectionCriteria: oneOf('selectionCriteria', field(b, 'selectionCriteria'), SELECTION_CRITERIA, 'CLOSEST_TO_CAMERA'),
    threshold: threshold(field(b, 'threshold')),
  };
  return { images: framesOf(b, limits), options };
}

/** The plan features a request needs. */
export function featuresNeeded(options: LivenessOptions): Feature[] {
  const needed: Feature[] = ['checkLiveness'];
  if (options.qualityChecks.length > 0) needed.push('qualityChecks');
  if (options.ageRange || options.checkGender) needed.push('faceAttributes');
  if (options.returnCroppedImageURL) needed.push('croppedFace');
  return needed;
}
