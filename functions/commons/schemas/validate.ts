import type { TSchema, Static } from '@sinclair/typebox';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ApiError } from '../apiErrors.js';

// JSON Schema 2020-12, the dialect of OpenAPI 3.1: the schemas that validate requests are the ones the document prints.
const ajv = new Ajv2020({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** `/qualityChecks/blur` → `qualityChecks.blur`, the name the caller used. */
const pathOf = (error: ErrorObject): string[] => {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
  return path;
};

/** What a field's schema promises, for the error message (its `description`, else ajv's wording). */
function expectation(schema: TSchema, path: readonly string[], error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  let node: unknown = schema;
  for (const part of path) {
    const n = node as { properties?: Record<string, unknown>; items?: unknown } | undefined;
    node = n?.properties?.[part] ?? (/^\d+$/.test(part) ? n?.items : undefined);
  }
  const described = (node as { description?: string } | undefined)?.description;
  return described ? `must be ${described}` : (error.message ?? 'is invalid');
}

/**
 * Validates a parsed body against a route's schema; the first problem becomes a 400 naming the field.
 * `reason` is the stable code (INVALID_OPTION for options, INVALID_BODY for the body's shape).
 */
export function validateBody<S extends TSchema>(schema: S, body: unknown, reason = 'INVALID_OPTION'): Static<S> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return body as Static<S>;
  const error = validate.errors![0]!;
  const path = pathOf(error);
  const field = path.join('.') || 'the body';
  throw new ApiError('PARSE_ERROR', path.length === 0 ? 'INVALID_BODY' : reason, `${field} ${expectation(schema, path, error)}`);
}
