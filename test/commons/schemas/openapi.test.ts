import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../scripts/local/stack.js';
import { OPENAPI_FILE, renderOpenApi } from '../../../scripts/openapi.js';
import { assertMatchesOpenApi } from '../../helpers/openApiResponses.js';

describe('the OpenAPI document', () => {
  it('is committed exactly as `npm run openapi` generates it from the schemas', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the gateway serves, and nothing else', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.resource}`).sort());
  });

  it('generates TypeScript client types offline with openapi-typescript (the docs/api.md command)', async () => {
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    const types = astToString(await openapiTS(new URL(`file://${OPENAPI_FILE}`)));
    expect(types).toContain('"/v1/checkLiveness"');
    expect(types).toContain('liveness_probability: number');
    expect(types).toContain('confidence_level: "Disabled" | "Low" | "Medium" | "High"');
  });

  it('makes the response check fail on a body that breaks the contract', async () => {
    const url = 'http://127.0.0.1/liveness';
    await expect(assertMatchesOpenApi('POST', url, 200, { score: 0.9, status: 'VALID_IMAGE', confidence_level: 'Medium' })).resolves.toBeUndefined();
    await expect(assertMatchesOpenApi('POST', url, 200, { score: 1.5, status: 'VALID_IMAGE', confidence_level: 'Medium' })).rejects.toThrow(/does not match/);
    await expect(assertMatchesOpenApi('POST', url, 200, { score: 0.9, status: 'GREAT', confidence_level: 'Medium' })).rejects.toThrow(/does not match/);
    await expect(assertMatchesOpenApi('POST', url, 400, { status: 'failure' })).rejects.toThrow(/does not match/);
    await expect(assertMatchesOpenApi('GET', 'http://127.0.0.1/nowhere', 404, { detail: 'x' })).rejects.toThrow(/does not match/);
  });
});
