import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSpec, modelVersion } from '../../functions/liveness/modelRegistry.js';
import { PACKS } from '../../functions/liveness/packs.js';
import { modelDirWithPack, skipReasonWithoutPack } from '../helpers/packs.js';
import { type ApiStack, checkMultipart, selfie640, send, startApiStack } from './apiStack.js';

// One stack per process (the handlers read LIVENESS_MODEL_DIR once): a model folder with the pack installed.
// Without the pack, health names fr_liveness alone (test/api/npmStart.test.ts, on the repository's models/).
describe.skipIf(skipReasonWithoutPack('health with the silent-face pack'))('GET /v1/health and POST /v1/checkLiveness with the silent-face pack installed', () => {
  let api: ApiStack;
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await modelDirWithPack();
    // The suite runs with LIVENESS_PACKS=none (vitest.config.ts); this stack loads what its model folder has.
    api = await startApiStack({ LIVENESS_MODEL_DIR: modelDir, LIVENESS_PACKS: '' });
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

  it('answers checkLiveness with the fused score, naming every model that decided and each one\'s own score', async () => {
    const { headers } = await api.createApp('standard');
    const res = await checkMultipart(api, { ...headers, transactionId: 'pack-journey' }, await selfie640(1));
    expect(res.status).toBe(200);
    const { details, modelVersion: decidedBy } = res.body.result;
    const pack = PACKS.find((p) => p.name === 'silent-face')!;
    const ids = ['fr_liveness', ...pack.models.map((m) => m.id)];
    expect(details.liveFace.models.map((m: { model: string }) => m.model.split('@')[0])).toEqual(ids);
    expect(decidedBy.split(',').map((v: string) => v.split('@')[0])).toEqual(ids);
    const scores = details.liveFace.models.map((m: { score: number }) => m.score);
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    // The shipped rule is the mean of the models' live probabilities (models/packs/silent-face.fusion.json).
    const mean = scores.reduce((a: number, b: number) => a + b, 0) / scores.length;
    expect(details.liveFace.score).toBeCloseTo(mean, 3);
    expect(details.liveFace.fusion).toMatch(/meanProbability/);
  });
});
