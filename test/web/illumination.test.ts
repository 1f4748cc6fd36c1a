import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { LivenessEngine } from '../../functions/liveness/engine.js';
import { DEFAULT_QUALITY_CONFIG, ILLUMINATION_CRITERIA } from '../../functions/liveness/quality/config.js';
import { faceLumaGrid } from '../../functions/liveness/quality/imageStatistics.js';
import type { DecodedImage, FaceBox } from '../../functions/liveness/types.js';
// The browser modules are plain ES modules: the same files the component loads.
import { framingHint } from '../../web/framing-hints.js';
import { faceIllumination, illuminationProblem, lumaGrid } from '../../web/illumination.js';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';

/** What the component does with a video frame: the face box drawn onto a grid x grid canvas (here with sharp). */
async function browserGrid(image: DecodedImage, face: FaceBox): Promise<Float32Array> {
  const left = Math.max(0, Math.floor(face.x1));
  const top = Math.max(0, Math.floor(face.y1));
  const size = ILLUMINATION_CRITERIA.grid;
  const rgba = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width: Math.min(image.width, Math.ceil(face.x2)) - left, height: Math.min(image.height, Math.ceil(face.y2)) - top })
    .resize(size, size, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer();
  return lumaGrid(rgba, size);
}

describe('the lighting criteria are one set of numbers, for the server and the browser', () => {
  it('the server quality config reads its illumination thresholds from web/illumination.json', () => {
    const json = JSON.parse(readFileSync(new URL('../../web/illumination.json', import.meta.url), 'utf8'));
    expect(DEFAULT_QUALITY_CONFIG).toMatchObject({
      minHighlights: json.minHighlights,
      maxShadows: json.maxShadows,
      maxClipped: json.maxClipped,
      maxUnevenness: json.maxUnevenness,
    });
    expect(ILLUMINATION_CRITERIA).toEqual(json);
  });

  it('judges by highlights, shadows, clipping and evenness, with the hint codes the component shows', () => {
    const lit = { highlights: 60, shadows: 10, underExposed: 0, overExposed: 0, unevenness: 5 };
    expect(illuminationProblem(lit, ILLUMINATION_CRITERIA)).toBeUndefined();
    expect(illuminationProblem({ ...lit, highlights: ILLUMINATION_CRITERIA.minHighlights - 1 }, ILLUMINATION_CRITERIA)).toBe('too-dark');
    expect(illuminationProblem({ ...lit, underExposed: ILLUMINATION_CRITERIA.maxClipped + 0.01 }, ILLUMINATION_CRITERIA)).toBe('too-dark');
    expect(illuminationProblem({ ...lit, shadows: ILLUMINATION_CRITERIA.maxShadows + 1 }, ILLUMINATION_CRITERIA)).toBe('too-bright');
    expect(illuminationProblem({ ...lit, unevenness: ILLUMINATION_CRITERIA.maxUnevenness + 1 }, ILLUMINATION_CRITERIA)).toBe('uneven-light');
    const face = { x1: 240, y1: 150, x2: 400, y2: 330, confidence: 0.99 };
    const hint = (illumination: typeof lit) => framingHint({ faces: [face], width: 640, height: 480, illumination }, ILLUMINATION_CRITERIA).hint;
    expect(hint(lit)).toBe('ok');
    expect(hint({ ...lit, highlights: 10 })).toBe('too-dark');
  });
});

describe.skipIf(skipReasonWithoutFaces('browser lighting judgement against the server on labelled live faces'))(
  'the browser lighting judgement agrees with the server quality stage on the labelled live faces',
  () => {
    const engine = new LivenessEngine();
    const rows: { file: string; status: string; illuminationError: boolean; meanLuma: number; server: Float32Array; browser: Float32Array; statistics: Record<string, number> }[] = [];

    beforeAll(async () => {
      for (const image of labelledImages().filter((i) => i.label === 'live')) {
        const a = await engine.check(readFileSync(image.path)).catch(() => undefined);
        if (!a) continue;
        rows.push({
          file: image.file,
          status: a.quality.status,
          illuminationError: a.quality.failures.includes('ILLUMINATION_ERROR'),
          meanLuma: (a.quality.measurements.statistics.brightness * 255) / 100,
          server: faceLumaGrid(a.decoded, a.face),
          browser: await browserGrid(a.decoded, a.face),
          statistics: { ...a.quality.measurements.statistics },
        });
      }
    }, 600_000);

    it('measures exactly what the server measures from the same face grid, and reaches the same verdict', () => {
      expect(rows.length).toBeGreaterThan(50);
      for (const row of rows) {
        const measured = faceIllumination(row.server, ILLUMINATION_CRITERIA);
        for (const key of ['highlights', 'shadows', 'underExposed', 'overExposed', 'unevenness'] as const) {
          expect(measured[key], `${row.file} ${key}`).toBeCloseTo(row.statistics[key]!, 3);
        }
        expect(illuminationProblem(measured, ILLUMINATION_CRITERIA) !== undefined, row.file).toBe(row.illuminationError);
      }
    });

    it('calls none of the server-VALID_IMAGE live faces badly lit from its own face grid, dark-skinned ones included', () => {
      const valid = rows.filter((r) => r.status === 'VALID_IMAGE');
      // The faces the old fixed rule (mean face luma under 60: "Too dark") locked out are among them.
      const darkFaces = valid.filter((r) => r.meanLuma < 60);
      expect(darkFaces.length).toBeGreaterThan(5);
      const refused = valid
        .map((r) => ({ file: r.file, problem: illuminationProblem(faceIllumination(r.browser, ILLUMINATION_CRITERIA), ILLUMINATION_CRITERIA) }))
        .filter((r) => r.problem !== undefined);
      expect(refused).toEqual([]);
      console.log(`[measure] ${valid.length} live faces rated VALID_IMAGE by the server, ${darkFaces.length} with mean face luma < 60; called badly lit on-device: ${refused.length}`);
    });
  },
);
