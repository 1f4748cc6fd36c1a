import type { TSchema, Static } from '@sinclair/typebox';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ApiError } from '../apiErrors.js';

// JSON Schema 2020-12, the dialect of OpenAPI 3.1: the schemas that validate requests are the ones the document prints.
// validateSchema: false: checking our own schemas against the meta-schema cost ~80 ms of a cold start's first
// request (compiling the 2020-12 meta-schema); test/commons/schemas/validate.test.ts checks them instead.
const AJV_OPTIONS = { allErrors: false, strict: false, coerceTypes: false, useDefaults: false, validateSchema: false } as const;
const ajv = new Ajv2020(AJV_OPTIONS);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** `/qualityChecks/blur` → `qualityChecks.blur`, the name the caller used. */
const pathOf = (error: ErrorObject): string[] => {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
  return path;
};

/**
 * The deepest described schema along the error's path: the field to name and what it must be
 * (its `description`), else the full path and ajv's wording.
 */
function explain(schema: TSchema, path: readonly string[], error: ErrorObject): { field: string; expected: string } {
  if (error.keyword === 'required') return { field: path.join('.'), expected: 'is required' };
  let node: unknown = schema;
  let described: { depth: number; text: string } | undefined;
  for (let depth = 0; depth < path.length && node; depth++) {
    const n = node as { properties?: Record<string, unknown>; items?: unknown };
    const part = path[depth]!;
    node = n.properties?.[part] ?? (/^\d+$/.test(part) ? n.items : undefined);
    const text = (node as { description?: string } | undefined)?.description;
    if (text) described = { depth: depth + 1, text };
  }
  if (described) return { field: path.slice(0, described.depth).join('.'), expected: `must be ${described.text}` };
  return { field: path.join('.') || 'the body', expected: error.message ?? 'is invalid' };
}

/**
 * Validates a parsed body against a route's schema; the first problem becomes a 400 naming the field.
 * `reason` is the stable code for a bad value (INVALID_OPTION); a missing field is MISSING_<FIELD>, a body of the wrong type INVALID_BODY.
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
  const { field, expected } = explain(schema, path, error);
  // A missing field has its own code, like MISSING_IMAGE of checkLiveness.
  const code = error.keyword === 'required' ? `MISSING_${field.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/\W/g, '_').toUpperCase()}` : path.length === 0 ? 'INVALID_BODY' : reason;
  throw new ApiError('PARSE_ERROR', code, `${field} ${expected}`);
}
