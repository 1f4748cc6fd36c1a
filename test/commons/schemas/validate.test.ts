import type { TSchema } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { LivenessOptionsBody } from '../../../functions/commons/schemas/checkLiveness.js';
import { ROUTE_CONTRACTS, SessionRequest } from '../../../functions/commons/schemas/routes.js';
import { validateBody } from '../../../functions/commons/schemas/validate.js';
import { AppIdLivenessRequest } from '../../../functions/commons/schemas/vendors/appIdLiveness.js';
import { DeepvueRequest } from '../../../functions/commons/schemas/vendors/deepvue.js';
import { SelfieLivenessFields } from '../../../functions/commons/schemas/vendors/selfieLiveness.js';
import { YouLiveRequest } from '../../../functions/commons/schemas/vendors/youLive.js';

// validateBody skips ajv's meta-schema check (it cost a cold start ~80 ms): it is made here instead.
const validatedAtRunTime: Record<string, TSchema> = { LivenessOptionsBody, SessionRequest, AppIdLivenessRequest, DeepvueRequest, SelfieLivenessFields, YouLiveRequest };
const documented = ROUTE_CONTRACTS.flatMap((route) =>
  (['json', 'multipart', 'success', 'error'] as const).flatMap((part) => (route[part] ? [[`${route.operationId} ${part}`, route[part]] as const] : [])),
);

describe('request and response schemas', () => {
  const meta = new Ajv2020({ strict: false });
  it.each([...Object.entries(validatedAtRunTime), ...documented])('%s is valid JSON Schema 2020-12', (_name, schema) => {
    expect(meta.validateSchema(schema), JSON.stringify(meta.errors)).toBe(true);
  });

  it('the meta-schema check catches a broken schema (so the checks above can fail)', () => {
    expect(meta.validateSchema({ type: 'object', properties: { threshold: { type: 'nummber' } } })).toBe(false);
  });

  it('validateBody still names the field of a bad value', () => {
    expect(() => validateBody(LivenessOptionsBody, { threshold: 'high' })).toThrow(/threshold/);
  });
});
