import { Type } from '@sinclair/typebox';
import { SELECTION_CRITERIA } from '../../../liveness/types.js';
import { LIVENESS_METHODS, QualityStatus } from '../checkLiveness.js';
import { Base64Image, Obj } from '../fields.js';

/** YouLive (Youverse) `POST /liveness`, seeds/000: the names and enums of its own OpenAPI document. */
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const KNOWN = ['liveness_method', 'selection_criteria'];

export const YouLiveConfig = Type.Union(
  [
    Type.Object({ name: Type.Literal('liveness_method'), value: literals(LIVENESS_METHODS) }),
    Type.Object({ name: Type.Literal('selection_criteria'), value: literals(SELECTION_CRITERIA) }),
    // "extensible configurations": names we do not know are ignored
    Type.Object({ name: Type.Unsafe<string>({ type: 'string', not: { enum: KNOWN } }), value: Type.String() }),
  ],
  { description: `a {name, value} pair: liveness_method ${LIVENESS_METHODS.join('|')}, selection_criteria ${SELECTION_CRITERIA.join('|')}` },
);

export const YouLiveRequest = Type.Object(
  {
    image: Base64Image,
    configuration: Type.Optional(Type.Array(YouLiveConfig, { description: 'an array of {name, value} configurations', maxItems: 16 })),
  },
  { additionalProperties: true },
);

export const YouLiveResponse = Obj({
  score: Type.Number({ minimum: 0, maximum: 1, description: 'liveness score of the selected face, 0..1' }),
  status: QualityStatus,
  confidence_level: Type.Union([Type.Literal('Disabled'), Type.Literal('Low'), Type.Literal('Medium'), Type.Literal('High')]),
});

export const YouLiveError = Type.Object({ status_code: Type.Integer(), phrase: Type.String(), message: Type.String() });
