import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSpec, modelVersion } from '../../functions/liveness/modelRegistry.js';
import { PACKS } from '../../functions/liveness/packs.js';
import { modelDirWithPack, skipReasonWithoutPack } from '../helpers/packs.js';
import { type ApiStack, send, startApiStack } from './apiStack.js';

// One stack per process (the handlers read LIVENESS_MODEL_DIR once): a model folder with the pack installed.
// Without the pack, health names fr_liveness alone (test/api/npmStart.test.ts, on the repository's models/).
describe.skipIf(skipReasonWithoutPack('health with the silent-face pack'))('GET /v1/health with the silent-face pack installed', () => {
  let api: ApiStack;
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await modelDirWithPack();
    api = await startApiStack({ LIVENESS_MODEL_DIR: modelDir });
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('names fr_liveness and each model of the pack, as id@version#sha8', async () => {
    const { status, body } = await send(`${api.stack.url}/v1/health`, { method: 'GET' });
    expect(status).toBe(200);
    const pack = PACKS.find((p) => p.name === 'silent-face')!;
    expect(body.result.livenessModels).toEqual([
      { id: 'fr_liveness', version: modelSpec('fr_liveness').version, modelVersion: modelVersion(modelSpec('fr_liveness')) },
      ...pack.models.map((m) => ({ id: m.id, version: m.version, modelVersion: `${m.id}@${m.version}#${m.sha256.slice(0, 8)}`, pack: 'silent-face' })),
    ]);
  });
});
