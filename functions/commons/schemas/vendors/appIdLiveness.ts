import { Type } from '@sinclair/typebox';
import { Base64Image, Obj } from '../fields.js';

/** The 002 API `POST /api/v1/ml/liveness/`, seeds/002: base64 JSON, headers AppId + Authorization. */
export const AppIdLivenessRequest = Type.Object({ image: Base64Image }, { additionalProperties: true });

const Percent = Type.Number({ minimum: 0, maximum: 100 });
const Flag = Obj({ value: Type.Boolean(), confidence: Percent });
const Ratio = Type.Number({ minimum: 0, maximum: 1 });

export const AppIdLivenessResponse = Obj({
  entity: Obj({
    liveness: Obj({ liveness_check: Type.Boolean(), liveness_probability: Percent }),
    face: Obj({
      face_detected: Type.Boolean(),
      message: Type.String(),
      multiface_detected: Type.Boolean(),
      details: Type.Optional(
        Obj({
          age_range: Type.Optional(Obj({ low: Type.Integer(), high: Type.Integer() })),
          gender: Type.Optional(Obj({ value: Type.String() })),
          smile: Type.Optional(Flag),
          eyes_open: Type.Optional(Flag),
          mouth_open: Type.Optional(Flag),
        }),
      ),
      quality: Type.Optional(Obj({ brightness: Percent, sharpness: Percent })),
      confidence: Type.Optional(Percent),
      bounding_box: Type.Optional(Obj({ width: Ratio, height: Ratio, left: Ratio, top: Ratio })),
    }),
  }),
});

/** The seed documents no error body: ours, documented in docs/vendor-routes.md. */
export const AppIdLivenessError = Type.Object({
  error: Type.Object({ code: Type.Integer(), reason: Type.String(), message: Type.String() }),
});
