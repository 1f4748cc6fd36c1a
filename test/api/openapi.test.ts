import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../scripts/openapi.js';
import { type ApiStack, send, startApiStack } from './apiStack.js';

let api: ApiStack;
beforeAll(async () => {
  api = await startApiStack();
});
afterAll(() => api?.stop());

it('GET /v1/openapi.json serves the committed document, without credentials', async () => {
  const res = await send(`${api.stack.url}/v1/openapi.json`, {});
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
});
