import { Type } from '@sinclair/typebox';
import { Obj } from '../fields.js';

/** Deepvue `POST /v1/liveness-check`, seeds/001: `image` as base64 or a URL (or `url`). */
export const DeepvueRequest = Type.Object(
  {
    image: Type.Optional(Type.String({ minLength: 1, description: 'a base64 image, a data URL, or an https URL of an image' })),
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'an https URL of an image on a public address' })),
  },
  { additionalProperties: true, anyOf: [{ required: ['image'] }, { required: ['url'] }] },
);

const envelope = {
  code: Type.Integer(),
  timestamp: Type.Null({ description: 'always null, as in the seed' }),
  transaction_id: Type.String(),
  sub_code: Type.String(),
  message: Type.String(),
};

/** 200: `data` on SUCCESS; FACE_NOT_DETECTED is also a 200, without `data`. */
export const DeepvueResponse = Obj({
  ...envelope,
  data: Type.Optional(Obj({ is_live: Type.Boolean(), score: Type.Number({ minimum: 0, maximum: 1 }) })),
});

/** 4xx/5xx in the envelope (`reason`: our machine code), or FastAPI's `{detail}` for authentication. */
export const DeepvueError = Type.Union([
  Obj({ ...envelope, reason: Type.Optional(Type.String()) }),
  Type.Object({ detail: Type.String() }),
]);

/** Deepvue `POST /v1/authorize`: form fields (urlencoded or multipart), as Deepvue's clients send them. */
export const DeepvueAuthorizeRequest = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 64, description: 'the app id' }),
    client_secret: Type.String({ minLength: 1, maxLength: 256, description: 'the app key' }),
  },
  { additionalProperties: true },
);

export const DeepvueAuthorizeResponse = Obj({
  access_token: Type.String({ pattern: '^dvt_', description: 'send as Authorization: Bearer, beside x-api-key, to /v1/liveness-check' }),
  token_type: Type.Literal('bearer'),
  expiry: Type.String({ format: 'date-time', description: 'when the token stops working (one hour after issue)' }),
});

/** FastAPI's `{detail}`, as Deepvue answers authentication failures. */
export const DeepvueAuthorizeError = Type.Object({ detail: Type.String() });
