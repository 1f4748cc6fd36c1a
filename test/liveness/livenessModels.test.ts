import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rocAuc } from '../../functions/evaluation/metrics.js';
import { DEFAULT_THRESHOLD, LivenessEngine } from '../../functions/liveness/engine.js';
import { fuseProbabilities, FUSIONS } from '../../functions/liveness/fusion.js';
import { ModelRegistry } from '../../functions/liveness/modelRegistry.js';
import { mappedFaceBox } from '../../functions/liveness/stages/score.js';
import { MergedLiveness } from '../../functions/liveness/merged/MergedLiveness.js';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';
import { sequenceFrames, skipReasonWithoutSequences } from '../helpers/sequences.js';

/** The pack's files beside the project (never committed): the tests point the engine at them, never at an installed pack. */
const SHARED_PACK = resolve(import.meta.dirname, '../../../shared/models/silent-face');
const hasSharedPack = existsSync(join(SHARED_PACK, 'MiniFASNetV2.onnx'));
const skipWithoutPack = (suite: string) => {
  if (!hasSharedPack) console.warn(`[skip] ${suite}: ${SHARED_PACK} is absent (model pack files are not shipped)`);
  return !hasSharedPack || skipReasonWithoutFaces(suite);
};

const fusion = FUSIONS.find((f) => f.pack === 'silent-face')!;

describe('liveness models are declarations', () => {
  it("maps our detector's box onto the box a model was trained on, from its declaration", () => {
    const face = { x1: 100, y1: 100, x2: 200, y2: 234, confidence: 0.9 };
    const mapped = mappedFaceBox(face, { centreXShift: 0, centreYShift: 0.056, widthScale: 1.164, heightScale: 0.901 });
    expect((mapped.x1 + mapped.x2) / 2).toBeCloseTo(150, 6);
    expect((mapped.y1 + mapped.y2) / 2).toBeCloseTo(167 + 0.056 * 134, 6);
    expect(mapped.x2 - mapped.x1).toBeCloseTo(116.4, 6);
    expect(mapped.y2 - mapped.y1).toBeCloseTo(0.901 * 134, 6);
    expect(mappedFaceBox(face)).toEqual(face);
  });

  it('keeps the fusion declaration with its provenance: the sha256 is of its own content', () => {
    const file = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../models/packs/silent-face.fusion.json'), 'utf8'));
    const { sha256, ...body } = file;
    expect(createHash('sha256').update(JSON.stringify(body, null, 2)).digest('hex')).toBe(sha256);
    expect(file.command).toContain('scripts/calibrateFusion.ts');
    expect(file.fusion.models).toEqual(['fr_liveness', 'silent_face_v2', 'silent_face_v1se']);
    expect(file.calibration.threshold).toBeGreaterThan(0);
    expect(file.calibration.threshold).toBeLessThan(1);
  });

  it('refuses a pack nobody declared, and a pack choice with no pack loaded', async () => {
    expect(() => new ModelRegistry({ packs: [{ name: 'no-such-pack', dir: '/nowhere' }] })).toThrow(/no model pack is declared/);
    const engine = new LivenessEngine(new ModelRegistry({ packs: [] }));
    expect(engine.defaultLivenessModels).toBe('fr_liveness');
    expect(() => engine.livenessPlan('fusion')).toThrow(/need an installed model pack/);
  });
});

describe.skipIf(skipWithoutPack('an installed pack'))('an installed pack', () => {
  it('is loaded from <modelDir>/packs/silent-face by default, and ignored with LIVENESS_PACKS=none', () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'liveness-models-'));
    try {
      mkdirSync(join(modelDir, 'packs/silent-face'), { recursive: true });
      for (const file of ['MiniFASNetV2.onnx', 'MiniFASNetV1SE.onnx']) copyFileSync(join(SHARED_PACK, file), join(modelDir, 'packs/silent-face', file));
      const saved = process.env.LIVENESS_PACKS;
      try {
        process.env.LIVENESS_PACKS = 'none';
        expect(new ModelRegistry({ modelDir }).packs).toEqual([]);
        delete process.env.LIVENESS_PACKS;
        const loaded = new ModelRegistry({ modelDir });
        expect(loaded.packs.map((p) => p.dir)).toEqual([join(modelDir, 'packs/silent-face')]);
        expect(loaded.packModels.map((m) => m.id)).toEqual(['silent_face_v2', 'silent_face_v1se']);
      } finally {
        if (saved === undefined) delete process.env.LIVENESS_PACKS;
        else process.env.LIVENESS_PACKS = saved;
      }
    } finally {
      rmSync(modelDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipWithoutPack('fr_liveness with the silent-face pack'))('fr_liveness with the silent-face pack on ../shared/faces', () => {
  const withPack = new LivenessEngine(new ModelRegistry({ packs: [{ name: 'silent-face', dir: SHARED_PACK }] }));
  const withoutPack = new LivenessEngine(new ModelRegistry({ packs: [] }));
  const images = labelledImages().filter((i) => i.label === 'live' || i.label === 'spoof');
  const rows: {
    live: boolean;
    fused: Awaited<ReturnType<LivenessEngine['check']>>;
    pack: Awaited<ReturnType<LivenessEngine['check']>>;
    alone: Awaited<ReturnType<LivenessEngine['check']>>;
    today: Awaited<ReturnType<LivenessEngine['check']>>;
  }[] = [];

  beforeAll(async () => {
    // Every 4th labelled image: live and spoof from every source, at a quarter of the time.
    for (const image of images.filter((_, i) => i % 4 === 0)) {
      const bytes = readFileSync(image.path);
      try {
        const [fused, pack, alone, today] = [
          await withPack.check(bytes),
          await withPack.check(bytes, { livenessModels: 'pack' }),
          await withPack.check(bytes, { livenessModels: 'fr_liveness' }),
          await withoutPack.check(bytes),
        ];
        rows.push({ live: image.label === 'live', fused, pack, alone, today });
      } catch (error) {
        if ((error as { code?: string }).code !== 'FACE_NOT_DETECTED') throw error;
      }
    }
  });

  it('fuses by default when the pack is loaded: three models, each named with its version, scored on its own crop', () => {
    expect(rows.length).toBeGreaterThan(30);
    expect(withPack.defaultLivenessModels).toBe('fusion');
    for (const { fused } of rows) {
      expect(fused.liveness.models.map((m) => m.model.split('@')[0])).toEqual(['fr_liveness', 'silent_face_v2', 'silent_face_v1se']);
      expect(fused.modelVersion).toBe(fused.liveness.models.map((m) => m.model).join(','));
      expect(fused.modelVersion).toContain('silent_face_v2@1.0.0#4eed38f0');
      expect(fused.liveness.score).toBeCloseTo(fuseProbabilities(fusion.fusion, fused.liveness.models.map((m) => m.score)), 12);
      expect(fused.decision.threshold).toBe(fusion.calibration.threshold);
    }
    // Two models on two crops of the same pixels disagree somewhere: they are not one model twice.
    expect(rows.some(({ fused }) => Math.abs(fused.liveness.models[1]!.score - fused.liveness.models[2]!.score) > 0.05)).toBe(true);
  });

  it('the pack alone and fr_liveness alone are each selectable, and fr_liveness alone is exactly the engine without a pack', () => {
    for (const { fused, pack, alone, today } of rows) {
      expect(pack.liveness.models.map((m) => m.score)).toEqual(fused.liveness.models.slice(1).map((m) => m.score));
      expect(pack.decision.threshold).toBe(fusion.packAlone.calibration.threshold);
      expect(alone.liveness.score).toBe(fused.liveness.models[0]!.score);
      expect(today.liveness.score).toBe(alone.liveness.score);
      expect(today.decision).toEqual(alone.decision);
      expect(today.decision.threshold).toBe(DEFAULT_THRESHOLD);
      expect(today.modelVersion).toMatch(/^fr_liveness@[^,]+$/);
      expect(today.liveness.fusion).toBeUndefined();
    }
  });

  it("reads the pack's declared conventions right: each pack model ranks live above spoof (BGR, class 1 = live)", () => {
    const judged = rows; // every scored face: assessable ones alone are too few in this quarter of the set
    for (const index of [1, 2]) {
      const auc = rocAuc(
        judged.filter((r) => r.live).map((r) => r.fused.liveness.models[index]!.score),
        judged.filter((r) => !r.live).map((r) => r.fused.liveness.models[index]!.score),
      );
      console.log(`${judged[0]!.fused.liveness.models[index]!.model}: AUC ${auc.toFixed(3)} on ${judged.length} scored images`);
      expect(auc).toBeGreaterThan(0.75);
    }
  });
});

describe.skipIf(skipWithoutPack('the merged level with the silent-face pack') || skipReasonWithoutSequences('the merged level with the silent-face pack'))(
  'the merged level with and without the silent-face pack',
  () => {
    it("uses the head trained on the pack's evidence when the pack is loaded, and today's head without it", async () => {
      const withPack = new MergedLiveness(new LivenessEngine(new ModelRegistry({ packs: [{ name: 'silent-face', dir: SHARED_PACK }] })));
      const without = new MergedLiveness(new LivenessEngine(new ModelRegistry({ packs: [] })));
      expect(without.head.id).toBe('liveness_head');
      expect(withPack.head.id).toBe('liveness_head_silent_face');
      const frames = sequenceFrames('live/zubair-real-01');
      const [a, b] = [await withPack.checkFrames(frames), await without.checkFrames(frames)];
      for (const x of [a, b]) {
        expect(x.frames.scores.every((s) => s === null || (s >= 0 && s <= 1))).toBe(true);
        expect(x.liveness.models).toHaveLength(1);
      }
      expect(b.modelVersion).toMatch(/^liveness_head@1\.0\.0#[0-9a-f]{8}\+fr_liveness_embedding@[^+]+$/);
      if (withPack.head.featureSet.endsWith('+pack')) expect(a.modelVersion).toContain('+silent_face_v2@1.0.0#4eed38f0+silent_face_v1se@');
      expect(a.frames.count).toBe(frames.length);
    });
  },
);
