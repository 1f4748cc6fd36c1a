import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { validate } from '@hyperjump/json-schema/openapi-3-1';

/**
 * Every response the API tests receive is checked against the committed openapi.json by an
 * independent validator (@hyperjump/json-schema, OpenAPI 3.1 dialect), not by the ajv that
 * validates requests at run time.
 */
const FILE = join(import.meta.dirname, '..', '..', 'openapi.json');
const DOC_URI = pathToFileURL(FILE).href;
const doc = JSON.parse(readFileSync(FILE, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.keys(methods).map((method) => ({
    path,
    method,
    regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
  })),
);

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export const openApiCheck = { validated: 0 };

export async function assertMatchesOpenApi(method: string, url: string, status: number, body: unknown): Promise<void> {
  const pathname = new URL(url).pathname;
  const route = routes.find((r) => r.method === method.toLowerCase() && r.regex.test(pathname));
  let schemaUri: string;
  if (route) {
    const responses = doc.paths[route.path]![route.method]!.responses;
    const key = String(status) in responses ? String(status) : 'default';
    if (!(responses[key] as { content?: unknown }).content) {
      // A bodiless answer (the CORS preflight's 204) must stay bodiless.
      if (body !== '') throw new Error(`${method} ${pathname} ${status}: openapi.json documents no body, got ${JSON.stringify(body).slice(0, 200)}`);
      openApiCheck.validated++;
      return;
    }
    schemaUri = `${DOC_URI}#/${pointer('paths', route.path, route.method, 'responses', key, 'content', 'application/json', 'schema')}`;
  } else {
    // Unknown routes: the gateway's own failure envelope.
    schemaUri = `${DOC_URI}#/${pointer('components', 'schemas', 'CheckLivenessError')}`;
  }
  const output = await validate(schemaUri, body as never, 'BASIC');
  if (!output.valid) {
    const errors = JSON.stringify(output.errors?.slice(0, 5), null, 1);
    throw new Error(`${method} ${pathname} ${status}: the response does not match openapi.json\n${errors}\n${JSON.stringify(body).slice(0, 800)}`);
  }
  openApiCheck.validated++;
}
