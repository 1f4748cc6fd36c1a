import { Type } from '@sinclair/typebox';
import { QUALITY_CHECK_NAMES, QUALITY_STATUSES } from '../../liveness/quality/types.js';
import { SELECTION_CRITERIA } from '../../liveness/types.js';
import { Base64Image, ImageFile, ImageUrl, Obj, oneOfWords, Threshold, YesNo } from './fields.js';

import { MAX_FRAMES } from '../config.js';

export { MAX_FRAMES };
export const LIVENESS_METHODS = ['faster', 'merged'] as const;

const qualityCheckFlags = Object.fromEntries(QUALITY_CHECK_NAMES.map((name) => [name, Type.Optional(YesNo)]));
const flatQualityChecks = Object.fromEntries(QUALITY_CHECK_NAMES.map((name) => [`qualityChecks.${name}`, Type.Optional(YesNo)]));

/**
 * The options of SPEC §3, as multipart fields or JSON keys. Unknown keys, including unknown
 * `qualityChecks.<name>`, are ignored (a HyperVerge client sending a newer check keeps working).
 */
export const livenessOptionProperties = {
  returnCroppedImageURL: Type.Optional(YesNo),
  qualityChecks: Type.Optional(
    Type.Object(qualityCheckFlags, { description: 'an object of yes|no flags, e.g. {"blur": "yes"}', additionalProperties: true }),
  ),
  ...flatQualityChecks,
  ageRange: Type.Optional(YesNo),
  checkGender: Type.Optional(YesNo),
  livenessMethod: Type.Optional(oneOfWords(LIVENESS_METHODS, { default: 'faster' })),
  selectionCriteria: Type.Optional(oneOfWords(SELECTION_CRITERIA, { default: 'CLOSEST_TO_CAMERA' })),
  threshold: Type.Optional(Threshold),
};

/** What is validated at run time on every checkLiveness body, multipart or JSON (images are checked by the parser). */
export const LivenessOptionsBody = Type.Object(livenessOptionProperties, { additionalProperties: true });

const frameNames = Array.from({ length: MAX_FRAMES - 1 }, (_, i) => `image${i + 2}`);

/** POST /v1/checkLiveness, application/json: one of `image`, `images` or `imageUrl`. */
export const CheckLivenessJsonRequest = Type.Object(
  {
    image: Type.Optional(Base64Image),
    images: Type.Optional(Type.Array(Base64Image, { minItems: 1, maxItems: MAX_FRAMES, description: `1 to ${MAX_FRAMES} frames of one capture, in order` })),
    imageUrl: Type.Optional(ImageUrl),
    ...livenessOptionProperties,
  },
  { additionalProperties: true },
);

/** POST /v1/checkLiveness, multipart/form-data: `image` (then `image2`…`image8`, or repeated `frames`) or `imageUrl`. */
export const CheckLivenessMultipartRequest = Type.Object(
  {
    image: Type.Optional(ImageFile),
    ...Object.fromEntries(frameNames.map((name) => [name, Type.Optional(ImageFile)])),
    frames: Type.Optional(Type.Array(ImageFile, { maxItems: MAX_FRAMES })),
    imageUrl: Type.Optional(ImageUrl),
    ...livenessOptionProperties,
  },
  { additionalProperties: true },
);

const ValueConfidence = Obj({ value: Type.String(), confidence: Type.Optional(Type.Union([Type.String(), Type.Number()])) });

export const Summary = Obj({
  action: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('manualReview')]),
  details: Type.Array(Obj({ code: Type.Union([Type.String(), Type.Number()]), message: Type.String() })),
});

export const BoundingBox = Obj({ left: Type.Number(), top: Type.Number(), width: Type.Number(), height: Type.Number() }, 'pixels of the upright image');

export const QualityStatus = Type.Union(QUALITY_STATUSES.map((s) => Type.Literal(s)), { description: "YouLive's image quality status" });

/** The HyperVerge success envelope of checkLiveness (extra fields allowed, none renamed). */
export const CheckLivenessResponse = Obj({
  status: Type.Literal('success'),
  statusCode: Type.Literal(200),
  metadata: Obj({ requestId: Type.String(), transactionId: Type.String() }),
  result: Obj({
    details: Obj({
      liveFace: Obj({
        value: Type.Union([Type.Literal('yes'), Type.Literal('no')]),
        confidence: Type.Union([Type.Literal('high'), Type.Literal('low')]),
        score: Type.Number({ minimum: 0, maximum: 1 }),
        assessable: Type.Boolean({ description: 'false: the image does not give the model the context it needs (value no, confidence low, a retake)' }),
        models: Type.Array(
          Obj({ model: Type.String({ description: 'e.g. silent_face_v2@1.0.0#4eed38f0' }), score: Type.Number({ minimum: 0, maximum: 1 }) }),
          { description: "every liveness model that decided, with its own live probability (fr_liveness alone without a model pack)" },
        ),
        fusion: Type.Optional(Type.String({ description: 'how several models became score, e.g. "meanProbability of fr_liveness, silent_face_v2, silent_face_v1se"' })),
      }),
      assessability: Obj({
        assessable: Type.Boolean(),
        reason: Type.Optional(Type.String({ description: 'the quality status saying why, when not assessable' })),
        cropScaleWanted: Type.Number({ description: 'the face box scale the model judges (2.7)' }),
        cropScaleAchieved: Type.Number({ description: 'the scale the image allowed' }),
        faceFraction: Type.Number({ description: 'the larger of face width / image width and face height / image height' }),
      }),
      livenessMethod: Obj({
        value: Type.Union([Type.Literal('faster'), Type.Literal('merged')]),
        framesSent: Type.Integer({ minimum: 1 }),
        framesUsed: Type.Integer({ minimum: 1 }),
        comparedWithFaster: Type.Optional(Obj({ validated: Type.Boolean() }, 'merged only: what leave-one-source-out validation found against faster')),
      }),
      frames: Type.Optional(Obj({ count: Type.Integer({ minimum: 1 }), scores: Type.Array(Type.Union([Type.Number(), Type.Null()])) }, 'merged only: per-frame scores and the consistency measurements')),
      face: Obj({ boundingBox: BoundingBox, detectionConfidence: Type.Number({ minimum: 0, maximum: 1 }), facesDetected: Type.Integer({ minimum: 1 }) }),
      qualityChecks: Type.Optional(Type.Record(Type.String(), ValueConfidence)),
      ageRange: Type.Optional(Obj({ value: Type.String() })),
      gender: Type.Optional(Obj({ value: Type.String() })),
      threshold: Type.Number({ minimum: 0, maximum: 1 }),
      modelVersion: Type.String({ description: 'every liveness model that decided, comma-separated' }),
    }),
    quality: Obj({ status: QualityStatus, failures: Type.Array(Type.String()), brightness: Type.Number(), sharpness: Type.Number() }),
    summary: Summary,
    croppedImageUrl: Type.Optional(Type.String()),
    modelVersion: Type.String(),
  }),
});

/** Every failure of our own routes (functions/commons/apiErrors.ts). */
export const FailureResponse = Obj({
  status: Type.Literal('failure'),
  statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
  result: Obj({
    error: Type.String(),
    reason: Type.String({ pattern: '^[A-Z0-9_]+$' }),
    message: Type.String(),
    summary: Type.Optional(Summary),
  }),
  metadata: Obj({ requestId: Type.Optional(Type.String()), transactionId: Type.Optional(Type.String()) }),
});
