import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rocAuc } from '../../functions/evaluation/metrics.js';
import { LivenessEngine } from '../../functions/liveness/engine.js';
import { modelSpec, type ModelSpec } from '../../functions/liveness/modelRegistry.js';
import { decodeImage } from '../../functions/liveness/stages/decode.js';
import { livenessConventions, scoreWithModel } from '../../functions/liveness/stages/score.js';
import { selectFace } from '../../functions/liveness/stages/select.js';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';

/**
 * Evidence for the liveness model's conventions (issue 2 item 2): which output class means "live"
 * and which channel order the model wants are settled by ranking real labelled images, not by guess.
 * For every class index x channel order, the ROC AUC of that class's probability as a live score,
 * over all live and spoof images of ../shared/faces, through the engine's own detect/select/crop.
 */
describe.skipIf(skipReasonWithoutFaces('liveness model conventions'))('liveness model conventions on ../shared/faces', () => {
  const manifestSpec = modelSpec('fr_liveness');
  const orders = ['BGR', 'RGB'] as const;
  const aucs = new Map<string, number>(); // "BGR class 0" -> AUC
  let classCount = 0;
  let judged = 0;

  beforeAll(async () => {
    const engine = new LivenessEngine();
    const images = labelledImages().filter((i) => i.label === 'live' || i.label === 'spoof');
    const probabilities: Record<(typeof orders)[number], { live: boolean; p: readonly number[] }[]> = { BGR: [], RGB: [] };
    for (const image of images) {
      const decoded = await decodeImage(readFileSync(image.path), engine.config.decode);
      const face = selectFace(await engine.findFaces(decoded), decoded, 'CLOSEST_TO_CAMERA');
      if (!face) continue;
      judged++;
      for (const channelOrder of orders) {
        const spec: ModelSpec = { ...manifestSpec, input: { ...manifestSpec.input, channelOrder } };
        const score = await scoreWithModel(engine.models, decoded, face, livenessConventions(spec));
        probabilities[channelOrder].push({ live: image.label === 'live', p: score.probabilities });
      }
    }
    classCount = probabilities.BGR[0]?.p.length ?? 0;
    for (const order of orders) {
      for (let k = 0; k < classCount; k++) {
        const rows = probabilities[order];
        aucs.set(
          `${order} class ${k}`,
          rocAuc(
            rows.filter((r) => r.live).map((r) => r.p[k]!),
            rows.filter((r) => !r.live).map((r) => r.p[k]!),
          ),
        );
      }
    }
    console.log(
      `liveness conventions, ROC AUC over ${judged} judged live/spoof images: ` +
        [...aucs].map(([name, auc]) => `${name} ${auc.toFixed(3)}`).join(', '),
    );
  });

  it('judges nearly every labelled image (a face is found), so the ranking covers the set', () => {
    expect(classCount).toBe(3);
    expect(judged).toBeGreaterThan(150);
  });

  it("ranks live above spoof best with the manifest's convention (BGR, class 0 = live), clearly above chance", () => {
    const declared = `${manifestSpec.input.channelOrder} class ${manifestSpec.classes?.live}`;
    expect(declared).toBe('BGR class 0');
    const best = [...aucs].sort((a, b) => b[1] - a[1])[0]!;
    expect(best[0]).toBe(declared);
    expect(aucs.get(declared)!).toBeGreaterThan(0.75);
    expect(aucs.size).toBe(6);
  });

  it('is sensitive to channel order: RGB with the same class ranks clearly worse', () => {
    expect(aucs.get('BGR class 0')! - aucs.get('RGB class 0')!).toBeGreaterThan(0.05);
  });
});
