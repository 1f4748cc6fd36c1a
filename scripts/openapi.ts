import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { openApiDocument } from '../functions/commons/schemas/openapi.js';

/** `npm run openapi`: writes openapi.json (committed; a test checks it equals what the code generates). */
export const OPENAPI_FILE = join(import.meta.dirname, '..', 'openapi.json');
export const renderOpenApi = () => `${JSON.stringify(openApiDocument(packageJson.version), null, 2)}\n`;

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
