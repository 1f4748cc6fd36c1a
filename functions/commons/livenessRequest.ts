import type { AttributeName } from '../liveness/attributes/types.js';
import { QUALITY_CHECK_NAMES, type QualityCheckName } from '../liveness/quality/types.js';
import { SELECTION_CRITERIA, type SelectionCriteria } from '../liveness/types.js';
import { ApiError } from './apiErrors.js';
import { DEFAULT_MAX_BODY_BYTES } from './config.js';
import type { Feature, Plan } from './plans.js';
import { LIVENESS_METHODS, LivenessOptionsBody, MAX_FRAMES } from './schemas/checkLiveness.js';
import { validateBody } from './schemas/validate.js';

/** HyperVerge's 14 quality checks, requested as `qualityChecks.<name>` yes|no (SPEC §3). */
export const QUALITY_CHECKS = QUALITY_CHECK_NAMES;
export type QualityCheck = QualityCheckName;

export type LivenessMethod = (typeof LIVENESS_METHODS)[number];

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
  /** Face attributes beyond ageRange/gender (the 002 API always returns smile, eyes, mouth, emotions). */
  readonly attributes?: readonly AttributeName[];
}

export interface LivenessRequest {
  /** The frames of one capture, in order (1 to MAX_FRAMES). */
  readonly images: readonly Buffer[];
  readonly options: LivenessOptions;
}

/** A request whose image may still be a URL to fetch (`imageUrl`, Deepvue's `url`). */
export type LivenessRequestDraft =
  | LivenessRequest
  | { readonly imageUrl: string; readonly options: LivenessOptions };

const invalid = (reason: string, message: string) => new ApiError('PARSE_ERROR', reason, message);

// The schema (functions/commons/schemas/checkLiveness.ts) has already accepted the value's form.
const yesNo = (value: unknown): boolean => value === true || (typeof value === 'string' && /^(yes|true)$/i.test(value.trim()));

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  (typeof value === 'string' && allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase())) || fallback;

const threshold = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value.trim()) : undefined;

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

/** One image field's value (a file part, base64 or a data URL) → bytes. */
function imageOf(name: string, value: unknown): Buffer {
  if (Array.isArray(value)) throw invalid('MULTIPLE_IMAGES', `send exactly one ${name} field (more frames: image2…image${MAX_FRAMES}, frames or images)`);
  if (isFile(value)) return value.content;
  if (typeof value === 'string') return decodeBase64Image(value);
  throw invalid('INVALID_IMAGE_FIELD', `${name} must be a file part, a base64 string or a data URL`);
}

const present = (v: unknown) => v !== undefined && v !== null;

/** How many frames one request may carry and how many bytes they may weigh together (config.ts `frames`). */
export interface FrameRequestLimits {
  readonly maxFrames: number;
  readonly maxTotalBytes: number;
}

export const DEFAULT_FRAME_REQUEST_LIMITS: FrameRequestLimits = { maxFrames: MAX_FRAMES, maxTotalBytes: DEFAULT_MAX_BODY_BYTES };

/**
 * The frames of one capture, in order: `image`, then `image2`…`image8` (multipart), then each
 * repeated `frames` part, or a JSON `images` array; at most `limits.maxFrames`, weighing at most
 * `limits.maxTotalBytes` together. An `imageN` beyond the last is refused, never silently dropped.
 * Repeated parts are taken in array order: the body parser (requestBody.ts) keeps the order sent.
 */
function framesOf(b: Record<string, unknown>, limits: FrameRequestLimits): Buffer[] {
  const beyond = Object.keys(b).find((k) => /^image\d+$/.test(k) && (Number(k.slice(5)) > MAX_FRAMES || Number(k.slice(5)) < 2));
  if (beyond) {
    throw invalid(Number(beyond.slice(5)) > MAX_FRAMES ? 'TOO_MANY_FRAMES' : 'INVALID_IMAGE_FIELD', `unknown frame field ${beyond}: use image, image2 … image${MAX_FRAMES}`);
  }
  if (present(b.images) && !Array.isArray(b.images)) throw invalid('INVALID_IMAGE_FIELD', 'images must be an array of base64 images');
  const frames: Buffer[] = [];
  if (present(b.image)) frames.push(imageOf('image', b.image));
  for (let n = 2; n <= MAX_FRAMES; n++) if (present(b[`image${n}`])) frames.push(imageOf(`image${n}`, b[`image${n}`]));
  for (const name of ['frames', 'images'] as const) {
    const list = b[name];
    if (!present(list)) continue;
    const items = Array.isArray(list) ? list : [list];
    items.forEach((item, i) => frames.push(imageOf(`${name}[${i}]`, item)));
  }
  if (frames.length > limits.maxFrames) {
    throw invalid('TOO_MANY_FRAMES', `${frames.length} frames sent; at most ${limits.maxFrames} frames of one capture`);
  }
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

/** The options of a parsed multipart or JSON body, validated by the schema. Unknown keys (and checks) are ignored. */
export function parseLivenessOptions(body: unknown): LivenessOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('INVALID_BODY', 'the body must be a form or a JSON object');
  }
  const b = validateBody(LivenessOptionsBody, body) as Record<string, unknown>;
  const t = threshold(b.threshold);
  return {
    returnCroppedImageURL: yesNo(b.returnCroppedImageURL),
    qualityChecks: QUALITY_CHECKS.filter((name) => yesNo(field(b, `qualityChecks.${name}`))),
    ageRange: yesNo(b.ageRange),
    checkGender: yesNo(b.checkGender),
    livenessMethod: oneOf(b.livenessMethod, LIVENESS_METHODS, 'faster'),
    selectionCriteria: oneOf(b.selectionCriteria, SELECTION_CRITERIA, 'CLOSEST_TO_CAMERA'),
    threshold: t,
  };
}

/** A parsed body → its frames or its `imageUrl` (exactly one of them), and validated options. */
export function parseLivenessDraft(body: unknown, limits: FrameRequestLimits = DEFAULT_FRAME_REQUEST_LIMITS): LivenessRequestDraft {
  const options = parseLivenessOptions(body);
  const b = body as Record<string, unknown>;
  const images = framesOf(b, limits);
  if (present(b.imageUrl)) {
    if (images.length > 0) throw invalid('MULTIPLE_IMAGES', 'send either an image or imageUrl, not both');
    if (typeof b.imageUrl !== 'string' || b.imageUrl.trim() === '') throw invalid('INVALID_IMAGE_FIELD', 'imageUrl must be an https URL');
    return { imageUrl: b.imageUrl.trim(), options };
  }
  if (images.length === 0) throw invalid('MISSING_IMAGE', 'the image field is required');
  return { images, options };
}

/** A parsed multipart or JSON body → the frames and validated options. Unknown keys are ignored. */
export function parseLivenessBody(body: unknown, limits: FrameRequestLimits = DEFAULT_FRAME_REQUEST_LIMITS): LivenessRequest {
  const draft = parseLivenessDraft(body, limits);
  if (!('images' in draft)) throw invalid('MISSING_IMAGE', 'the image field is required');
  return draft;
}

/** The plan features a request needs. */
export function featuresNeeded(options: LivenessOptions): Feature[] {
  const needed: Feature[] = ['checkLiveness'];
  if (options.qualityChecks.length > 0) needed.push('qualityChecks');
  if (options.ageRange || options.checkGender || (options.attributes?.length ?? 0) > 0) needed.push('faceAttributes');
  if (options.returnCroppedImageURL) needed.push('croppedFace');
  return needed;
}

/** 403 FEATURE_NOT_IN_PLAN when the options ask for a feature outside the plan. */
export function requirePlanFeatures(options: LivenessOptions, planName: string, plan: Plan | undefined): void {
  const missing = featuresNeeded(options).filter((f) => !(plan?.features as readonly Feature[] | undefined)?.includes(f));
  if (missing.length > 0) {
    throw new ApiError('FORBIDDEN', 'FEATURE_NOT_IN_PLAN', `the ${planName} plan does not include ${missing.join(', ')}`);
  }
}
