import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKS } from '../../functions/liveness/packs.js';
import { buildModelsLayer, layerPackLines } from '../../layers/build.js';
import { linkedModelDir, modelDirWithPack, SHARED_PACK, skipReasonWithoutPack } from '../helpers/packs.js';

// The models layer built from temp model folders into temp layer folders (never layers/out/, which
// other tests share); the stack's synthesis without the pack is covered by layers.test.ts and regionStacks.test.ts.
const made: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const pack = PACKS.find((p) => p.name === 'silent-face')!;

describe('the models layer and the model packs', () => {
  it('leaves an uninstalled pack out and says so', () => {
    const modelDir = linkedModelDir();
    made.push(modelDir);
    const layer = buildModelsLayer(modelDir, join(temp('liveness-layer-'), 'models'));
    expect(existsSync(join(layer, 'models', 'fr_liveness.onnx'))).toBe(true);
    expect(existsSync(join(layer, 'models', 'packs'))).toBe(false);
    expect(layerPackLines(layer)).toEqual(['silent-face: not installed, not in the layer']);
  });

  it.skipIf(skipReasonWithoutPack('models layer with the pack'))(
    'ships an installed pack at /opt/models/packs/NAME with its licences, NOTICE and declaration, and says so',
    async () => {
      const modelDir = await modelDirWithPack();
      made.push(modelDir);
      const layer = buildModelsLayer(modelDir, join(temp('liveness-layer-'), 'models'));
      const shipped = join(layer, 'models', 'packs', 'silent-face');
      expect(readdirSync(shipped).sort()).toEqual(
        [...pack.models.map((m) => m.file), ...pack.licenceFiles.map((l) => l.file), 'NOTICE', 'silent-face.json'].sort(),
      );
      for (const m of pack.models) expect(readFileSync(join(shipped, m.file)).equals(readFileSync(join(SHARED_PACK, m.file)))).toBe(true);
      expect(layerPackLines(layer)).toEqual([
        'silent-face: in the models layer (silent_face_v2, silent_face_v1se, licences and NOTICE) at /opt/models/packs/silent-face',
      ]);
    },
  );
});
