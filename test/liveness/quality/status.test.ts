import { describe, expect, it } from 'vitest';
import { qualityCheck } from '../../../functions/liveness/quality/checks.js';
import { DEFAULT_QUALITY_CONFIG as C } from '../../../functions/liveness/quality/config.js';
import { faceGeometry } from '../../../functions/liveness/quality/geometry.js';
import { qualityFailures, qualityMeasures, qualityStatusOf } from '../../../functions/liveness/quality/status.js';
import type { QualityMeasurements } from '../../../functions/liveness/quality/types.js';

const image = { width: 640, height: 480 };
const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2, confidence: 0.99 });
const statistics = { brightness: 50, sharpness: 70, unevenness: 5, shadows: 20, highlights: 80, underExposed: 0, overExposed: 0, backgroundBrightness: 90, backgroundSaturation: 5 };
const measured = (face = box(240, 140, 400, 340), extra: Partial<QualityMeasurements> = {}): QualityMeasurements => ({
  statistics,
  geometry: faceGeometry(image, face),
  facesDetected: 1,
  ...extra,
});
const failures = (m: QualityMeasurements, facePixels = 160) => qualityFailures(m, facePixels, C);

describe('face geometry', () => {
  it('measures margins in face sizes and the border distance in image sides', () => {
    const g = faceGeometry(image, box(240, 140, 400, 340));
    expect(g.margins).toEqual({ left: 1.5, right: 1.5, top: 0.7, bottom: 0.7 });
    expect(g.widthRatio).toBe(0.25);
    expect(g.borderDistance).toBeCloseTo(140 / 480);
    expect(g.cropped).toBe(false);
    expect(faceGeometry(image, box(0, 140, 160, 340)).cropped).toBe(true);
  });
});

describe('quality status from measurements', () => {
  it('a centred, well-lit, sharp face is valid', () => {
    expect(qualityStatusOf(failures(measured()))).toBe('VALID_IMAGE');
  });

  it('tells the position failures apart', () => {
    expect(failures(measured(box(2, 140, 162, 340)))[0]).toBe('FACE_CLOSE_TO_BORDER');
    expect(failures(measured(box(0.5, 140, 160, 340)))[0]).toBe('FACE_CROPPED');
    expect(failures(measured(box(20, 60, 620, 470)))[0]).toBe('FACE_TOO_CLOSE');
    expect(failures(measured(box(300, 200, 340, 240)), 40)[0]).toBe('FACE_TOO_FAR');
    // Well inside the image (40 px) but only 0.13 face widths of room: framed too tight.
    expect(failures(measured(box(40, 100, 340, 400)))[0]).toBe('FACE_WITHOUT_PADDING');
  });

  it('reports several faces first, and keeps every failure found', () => {
    const m = { ...measured(box(2, 140, 162, 340)), facesDetected: 2, statistics: { ...statistics, sharpness: 10 } };
    expect(failures(m)).toEqual(['MULTIPLE_FACES', 'FACE_CLOSE_TO_BORDER', 'SHARPNESS_ERROR']);
  });

  it('judges exposure on the face highlights, not on skin tone', () => {
    const darkSkinGoodLight = measured(undefined, {});
    const m = { ...darkSkinGoodLight, statistics: { ...statistics, brightness: 15, shadows: 4, highlights: 45 } };
    expect(failures(m)).toEqual([]);
    const underExposed = { ...m, statistics: { ...m.statistics, highlights: 15 } };
    expect(failures(underExposed)).toEqual(['ILLUMINATION_ERROR']);
  });

  it('is UNKNOWN when the statistics could not be measured', () => {
    expect(failures({ ...measured(), statistics: { ...statistics, sharpness: Number.NaN } })).toEqual(['UNKNOWN']);
  });

  it('reports pose and occlusion only when they were measured', () => {
    expect(failures(measured(undefined, { pose: { yaw: 40, pitch: 0, roll: 0 } }))).toEqual(['FACE_ANGLE_TOO_LARGE']);
    expect(failures(measured(undefined, { pose: { yaw: 0, pitch: 0, roll: 30 } }))).toEqual(['FACE_ANGLE_TOO_LARGE']);
    expect(failures(measured(undefined, { occlusionScore: 0.9 }))).toEqual(['FACE_OCCLUDED']);
    expect(failures(measured())).toEqual([]);
  });
});

describe('quality checks from measurements', () => {
  it('a roll alone tilts the head but does not turn it', () => {
    expect(qualityCheck('headTurned', measured(undefined, { pose: { yaw: 0, pitch: 0, roll: 40 } }), 160, C)).toMatchObject({ value: 'no' });
    expect(qualityCheck('headTurned', measured(undefined, { pose: { yaw: -60, pitch: 0, roll: 0 } }), 160, C)).toEqual({ value: 'yes', confidence: 'high' });
  });

  it('answers low confidence near a threshold', () => {
    const near = measured(undefined, { statistics: { ...statistics, sharpness: C.minSharpness - 1 } });
    expect(qualityCheck('blur', near, 160, C)).toEqual({ value: 'yes', confidence: 'low' });
  });

  it('eyes are closed only when both eyes read closed', () => {
    expect(qualityCheck('eyesClosed', measured(undefined, { eyes: { leftOpen: 0.1, rightOpen: 0.9 } }), 160, C)).toMatchObject({ value: 'no' });
    expect(qualityCheck('eyesClosed', measured(undefined, { eyes: { leftOpen: 0.05, rightOpen: 0.02 } }), 160, C)).toMatchObject({ value: 'yes' });
  });
});

describe('the measurements a quality status cites', () => {
  it('a head tilted beyond the roll limit fails on roll alone, while headTurned (yaw, pitch) stays no', () => {
    const m = measured(box(240, 140, 400, 340), { pose: { yaw: 5, pitch: -8, roll: 31 } });
    expect(failures(m)).toContain('FACE_ANGLE_TOO_LARGE');
    const measures = qualityMeasures('FACE_ANGLE_TOO_LARGE', m, 160, C);
    expect(measures.filter((x) => x.failed).map((x) => x.name)).toEqual(['roll']);
    expect(measures.find((x) => x.name === 'roll')).toMatchObject({ value: 31, limit: C.maxRoll, bound: 'max' });
    expect(qualityCheck('headTurned', m, 160, C).value).toBe('no');
  });

  it('every failure found on a set of faces cites a measurement that failed, except those with no figure', () => {
    const cases = [
      measured(box(2, 140, 162, 340)),
      measured(box(20, 60, 620, 470)),
      measured(box(300, 200, 340, 240)),
      { ...measured(), statistics: { ...statistics, sharpness: 10, highlights: 10 } },
      measured(box(240, 140, 400, 340), { pose: { yaw: -40, pitch: 0, roll: 0 }, occlusionScore: 0.9, facesDetected: 2 }),
    ];
    const withoutFigure = ['FACE_CROPPED', 'INCONSISTENT_DETECTION', 'UNKNOWN'];
    for (const m of cases) {
      for (const status of failures(m, 40).filter((s) => !withoutFigure.includes(s))) {
        expect(qualityMeasures(status, m, 40, C).some((x) => x.failed), status).toBe(true);
      }
    }
  });
});
