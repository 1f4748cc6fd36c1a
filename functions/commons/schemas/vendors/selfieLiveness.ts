import { Type } from '@sinclair/typebox';
import { ImageFile, Obj, Threshold } from '../fields.js';

/** The 003 selfie API, seeds/003: multipart `selfie` + `threshold`, headers app_id + app_key. */
export const SelfieLivenessMultipartRequest = Type.Object(
  { selfie: ImageFile, threshold: Type.Optional(Threshold) },
  { additionalProperties: true },
);
/** What is validated at run time (the file part is checked by the parser). */
export const SelfieLivenessFields = Type.Object({ threshold: Type.Optional(Threshold) }, { additionalProperties: true });

const Point = Obj({ x: Type.Number(), y: Type.Number() });
const stamps = {
  api_req_uid: Type.String(),
  requested_at: Type.String({ description: 'UTC, YYYY-MM-DD HH:MM:SS' }),
  processed_at: Type.String({ description: 'UTC, YYYY-MM-DD HH:MM:SS' }),
};

export const SelfieLivenessResponse = Obj({
  ...stamps,
  response_code: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 live (score >= threshold), 2 not live' }),
  response_data: Obj({
    faces_liveness: Type.Number({ minimum: 0, maximum: 1 }),
    faces_predicted: Type.Array(
      Obj({ confidence: Type.Number({ minimum: 0, maximum: 1 }), delta: Point, top_left: Point }, 'a detected face, pixels: top_left corner and delta = width, height'),
    ),
    img: Obj({ height: Type.Integer(), width: Type.Integer() }),
  }),
});

export const SelfieLivenessError = Obj({
  ...stamps,
  response_code: Type.Integer({ minimum: 400, maximum: 599, description: 'the HTTP status' }),
  response_message: Type.String(),
  reason: Type.String(),
});
