// Preload (`node --import ./test/helpers/moduleRecorder.mjs`) that writes every module the process loads to
// $MODULE_RECORD, one a line: ES modules as they resolve (hooks thread, written at once), CommonJS modules
// from require's cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.MODULE_RECORD;
if (out) {
  register('./moduleRecorderHooks.mjs', import.meta.url, { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`));
}
