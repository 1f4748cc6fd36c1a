import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECT_OPTIONS } from '../../functions/liveness/stages/detect.js';
import { modelSpec, sharedModelRegistry } from '../../functions/liveness/modelRegistry.js';
// The browser modules are plain ES modules: the same files the component loads.
import { DETECT_OPTIONS, DETECTOR, facesFromOutputs, inputTensorData, iou, meanLuma, placement } from '../../web/face-detector.js';
import { FRAMING, framingHint, HINT_MESSAGES } from '../../web/framing-hints.js';
import { DEFAULT_QUALITY_CONFIG, ILLUMINATION_CRITERIA } from '../../functions/liveness/quality/config.js';
import { serverFaces, singleFacePhotos } from './webFaces.js';

/** What the browser does with a canvas, done with sharp: letterbox on grey into 320x240 RGBA. */
async function letterboxed(bytes: Buffer, width: number, height: number) {
  const place = placement(width, height);
  const grey = { r: DETECTOR.mean, g: DETECTOR.mean, b: DETECTOR.mean, alpha: 1 };
  const rgba = await sharp(bytes)
    .resize(place.width, place.height, { fit: 'fill' })
    .extend({ left: place.left, top: place.top, right: DETECTOR.width - place.width - place.left, bottom: DETECTOR.height - place.height - place.top, background: grey })
    .ensureAlpha()
    .raw()
    .toBuffer();
  return { place, rgba };
}

describe('the browser face detector (web/face-detector.js) agrees with the server detect stage', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await sharedModelRegistry().session('fr_detect');
  });

  it('describes fr_detect exactly as models/manifest.json and the server options do', () => {
    const spec = modelSpec('fr_detect');
    expect(DETECTOR).toMatchObject({
      inputName: spec.input.name,
      width: spec.input.shape[3],
      height: spec.input.shape[2],
      mean: spec.input.mean,
      scale: spec.input.scale,
      faceClass: spec.classes?.face,
      scores: spec.outputs.scores,
      boxes: spec.outputs.boxes,
    });
    expect(DETECT_OPTIONS).toEqual({ minConfidence: DEFAULT_DETECT_OPTIONS.minConfidence, nmsIoU: DEFAULT_DETECT_OPTIONS.nmsIoU, minFaceFraction: DEFAULT_DETECT_OPTIONS.minFaceFraction });
    expect(DEFAULT_DETECT_OPTIONS.padding).toBe(0);
  });

  it('finds the same faces as the server on real photos (same count, boxes overlapping ≥ 0.8)', async () => {
    const photos = await singleFacePhotos(5);
    expect(photos.length).toBeGreaterThanOrEqual(3);
    for (const photo of photos) {
      const { place, rgba } = await letterboxed(photo.bytes, photo.width, photo.height);
      const input = new ort.Tensor('float32', inputTensorData(rgba), [1, 3, DETECTOR.height, DETECTOR.width]);
      const out = await session.run({ [DETECTOR.inputName]: input });
      const browser = facesFromOutputs(out.scores!.data as Float32Array, out.boxes!.data as Float32Array, place, photo.width, photo.height);
      const server = (await serverFaces(photo.bytes)).faces;
      expect(browser.length, photo.name).toBe(server.length);
      expect(iou(browser[0]!, server[0]!), photo.name).toBeGreaterThanOrEqual(0.8);
      expect(Math.abs(browser[0]!.confidence - server[0]!.confidence), photo.name).toBeLessThan(0.05);
      // The face's mean luma, read from the same letterboxed pixels as the detector's input.
      expect(meanLuma(rgba, place, photo.width, photo.height, browser[0]), photo.name).toBeGreaterThan(0);
    }
  });
});

describe('framing hints', () => {
  const W = 640;
  const H = 480;
  const face = (cx: number, cy: number, size: number) => ({ x1: cx - size / 2, y1: cy - size * 0.6, x2: cx + size / 2, y2: cy + size * 0.6, confidence: 0.99 });
  const lit = { highlights: 60, shadows: 10, underExposed: 0, overExposed: 0, unevenness: 5 };
  const hintFor = (faces: ReturnType<typeof face>[], illumination = lit) => framingHint({ faces, width: W, height: H, illumination }, ILLUMINATION_CRITERIA).hint;

  it('says ok for one centred, well lit face of a good size, and why not otherwise', () => {
    expect(hintFor([face(320, 240, 160)])).toBe('ok');
    expect(hintFor([])).toBe('no-face');
    expect(hintFor([face(320, 240, 160), face(100, 100, 60)])).toBe('several-faces');
    expect(hintFor([face(320, 240, 160)], { ...lit, highlights: 10 })).toBe('too-dark');
    expect(hintFor([face(320, 240, 160)], { ...lit, shadows: 80 })).toBe('too-bright');
    expect(hintFor([face(320, 240, 160)], { ...lit, unevenness: 50 })).toBe('uneven-light');
    expect(hintFor([face(320, 240, 50)])).toBe('too-far');
    expect(hintFor([face(320, 240, 300)])).toBe('too-close');
    expect(hintFor([face(140, 240, 160)])).toBe('off-centre');
    expect(HINT_MESSAGES['too-far']).toBe('Move closer');
  });

  it('is stricter than the server quality checks, so a frame the device calls ok is not refused for framing', () => {
    expect(FRAMING.minFaceRatio).toBeGreaterThan(DEFAULT_QUALITY_CONFIG.minFaceRatio);
    expect(FRAMING.maxFaceRatio).toBeLessThan(DEFAULT_QUALITY_CONFIG.maxFaceRatio);
    // A centred ok face keeps the server's minimum distance from every edge.
    expect(0.5 - FRAMING.maxCentreOffset - FRAMING.maxFaceRatio / 2).toBeGreaterThanOrEqual(DEFAULT_QUALITY_CONFIG.minBorderDistance);
  });
});
