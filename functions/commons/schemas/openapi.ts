import type { TSchema } from '@sinclair/typebox';
import { ROUTE_CONTRACTS, SECURITY_SCHEMES } from './routes.js';

/** A plain JSON copy (TypeBox marks its schemas with symbols; the document has none). */
const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

const ERROR_STATUSES: Readonly<Record<string, string>> = {
  '400': 'Bad request: unparsable body, bad option, bad image or image URL',
  '401': 'Missing or invalid credentials',
  '403': 'Revoked key, plan without the feature, or quota spent',
  '404': 'Not found',
  '413': 'Body or image too large',
  '422': 'No face detected',
  '429': 'Rate limit (Retry-After)',
  '500': 'Internal error',
  '503': 'Busy (Retry-After)',
};

/**
 * The OpenAPI 3.1 document of every route, built from the same TypeBox schemas that validate
 * requests at run time (functions/commons/schemas), so it cannot drift from the code.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  const ref = (name: string, schema: TSchema) => {
    components[name] = plain(schema);
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_CONTRACTS) {
    const name = route.operationId[0]!.toUpperCase() + route.operationId.slice(1);
    const content: Record<string, unknown> = {};
    if (route.json) content['application/json'] = { schema: ref(`${name}JsonRequest`, route.json) };
    if (route.multipart) content['multipart/form-data'] = { schema: ref(`${name}MultipartRequest`, route.multipart) };
    if (route.form) content['application/x-www-form-urlencoded'] = { schema: ref(`${name}FormRequest`, route.form) };
    const error = { description: 'Failure', content: { 'application/json': { schema: ref(`${name}Error`, route.error) } } };
    const parameters = [
      ...(route.pathParameters ?? []).map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.transactionId
        ? [{
            name: 'transactionId', in: 'header', required: route.transactionId === 'required',
            description: route.transactionId === 'required' ? 'your id for the user journey, at most 128 characters' : 'optional; the request id is used when absent',
            schema: { type: 'string', maxLength: 128 },
          }]
        : []),
    ];
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: route.security.map((names) => Object.fromEntries(names.map((n) => [n, []]))),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(Object.keys(content).length > 0 ? { requestBody: { required: !route.bodyOptional, content } } : {}),
      responses: {
        [String(route.successStatus ?? 200)]: route.success
          ? { description: 'Success', content: { 'application/json': { schema: ref(`${name}Response`, route.success) } } }
          : { description: 'Success, no body' },
        ...Object.fromEntries(Object.entries(ERROR_STATUSES).map(([status, description]) => [status, { ...error, description }])),
        default: error,
      },
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'open-liveness API',
      version,
      description:
        'Self-hostable passive face liveness. Our own routes (HyperVerge checkLiveness shape) and drop-in routes for YouLive, Deepvue, the 002 and the 003 APIs. Generated from the schemas that validate requests (npm run openapi).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }, { url: 'https://{region}.{domain}', variables: { region: { default: 'irl', enum: ['zaf', 'irl', 'ind', 'idn', 'sgp', 'usa'] }, domain: { default: 'example.com' } } }],
    tags: [
      { name: 'open-liveness', description: 'Our routes (HyperVerge envelope)' },
      { name: 'YouLive', description: 'YouLive (Youverse) drop-in' },
      { name: 'Deepvue', description: 'Deepvue drop-in' },
      { name: '002 API', description: 'The 002 API (AppId + Authorization) drop-in' },
      { name: '003 API', description: 'The 003 selfie + threshold API drop-in' },
    ],
    paths,
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
  };
}
