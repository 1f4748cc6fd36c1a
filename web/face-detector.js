// The server's face detector, in the browser: fr_detect.onnx through onnxruntime-web with the same
// pre/post-processing as functions/liveness/stages/detect.ts (letterbox 320x240 on grey, (v-127)/128,
// RGB planes, scores index 1, greedy NMS). test/web/faceDetector.test.ts holds the two in agreement.
import { faceIllumination, lumaGrid } from './illumination.js';

/** fr_detect's input and outputs, as in models/manifest.json. */
export const DETECTOR = Object.freeze({ inputName: 'input', width: 320, height: 240, mean: 127, scale: 1 / 128, faceClass: 1, scores: 'scores', boxes: 'boxes' });

/** DEFAULT_DETECT_OPTIONS of the server (padding 0). */
export const DETECT_OPTIONS = Object.freeze({ minConfidence: 0.7, nmsIoU: 0.4, minFaceFraction: 0.04 });

/** Aspect-preserving placement of a width x height image in the detector input, centred. */
export function placement(width, height) {
  const scale = Math.min(DETECTOR.width / width, DETECTOR.height / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return { left: Math.floor((DETECTOR.width - w) / 2), top: Math.floor((DETECTOR.height - h) / 2), width: w, height: h };
}

/** RGBA pixels of the whole 320x240 letterboxed canvas → the NCHW float planes the model takes. */
export function inputTensorData(rgba) {
  const n = DETECTOR.width * DETECTOR.height;
  const data = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    data[i] = (rgba[4 * i] - DETECTOR.mean) * DETECTOR.scale;
    data[n + i] = (rgba[4 * i + 1] - DETECTOR.mean) * DETECTOR.scale;
    data[2 * n + i] = (rgba[4 * i + 2] - DETECTOR.mean) * DETECTOR.scale;
  }
  return data;
}

export function iou(a, b) {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (f) => (f.x2 - f.x1) * (f.y2 - f.y1);
  return inter / (area(a) + area(b) - inter);
}

/** Model outputs → faces in image pixels, best first (decode, confidence and size filters, NMS). */
export function facesFromOutputs(scores, boxes, place, width, height, options = DETECT_OPTIONS) {
  const toX = (v) => ((v * DETECTOR.width - place.left) * width) / place.width;
  const toY = (v) => ((v * DETECTOR.height - place.top) * height) / place.height;
  const minSide = options.minFaceFraction * Math.min(width, height);
  const candidates = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const confidence = scores[2 * i + DETECTOR.faceClass];
    if (confidence < options.minConfidence) continue;
    const x1 = Math.max(0, toX(boxes[4 * i]));
    const y1 = Math.max(0, toY(boxes[4 * i + 1]));
    const x2 = Math.min(width, toX(boxes[4 * i + 2]));
    const y2 = Math.min(height, toY(boxes[4 * i + 3]));
    if (x2 - x1 < minSide || y2 - y1 < minSide) continue;
    candidates.push({ x1, y1, x2, y2, confidence });
  }
  const kept = [];
  for (const box of candidates.sort((a, b) => b.confidence - a.confidence)) {
    if (kept.every((k) => iou(k, box) <= options.nmsIoU)) kept.push(box);
  }
  return kept;
}

/** Mean luma (0..255, BT.601) of the letterboxed pixels inside a face box (or the whole image). */
export function meanLuma(rgba, place, width, height, face) {
  const sx = place.width / width;
  const sy = place.height / height;
  const x1 = Math.floor(place.left + (face ? face.x1 : 0) * sx);
  const x2 = Math.ceil(place.left + (face ? face.x2 : width) * sx);
  const y1 = Math.floor(place.top + (face ? face.y1 : 0) * sy);
  const y2 = Math.ceil(place.top + (face ? face.y2 : height) * sy);
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, y1); y < Math.min(DETECTOR.height, y2); y++) {
    for (let x = Math.max(0, x1); x < Math.min(DETECTOR.width, x2); x++) {
      const i = 4 * (y * DETECTOR.width + x);
      sum += 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

/** fr_detect on video frames: one ORT session, one reusable 320x240 canvas (and one face-grid canvas). */
export class FaceDetector {
  /** `illumination`: the criteria of web/illumination.json; with them, detect() also measures the face's lighting. */
  static async load({ ortUrl, modelUrl, illumination }) {
    const ort = await import(ortUrl);
    // Single-threaded wasm: no cross-origin isolation needed, and the page stays responsive on phones.
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = new URL('.', ortUrl).href;
    const session = await ort.InferenceSession.create(modelUrl, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    return new FaceDetector(ort, session, illumination);
  }

  constructor(ort, session, illumination) {
    this.ort = ort;
    this.session = session;
    this.illumination = illumination;
    this.canvas = document.createElement('canvas');
    this.canvas.width = DETECTOR.width;
    this.canvas.height = DETECTOR.height;
    this.context = this.canvas.getContext('2d', { willReadFrequently: true });
  }

  /**
   * Faces in a video frame (or any drawable of width x height), the face's (or image's) mean luma,
   * and the best face's lighting as the server measures it (when the detector has the criteria).
   */
  async detect(source, width, height) {
    const place = placement(width, height);
    const ctx = this.context;
    ctx.fillStyle = `rgb(${DETECTOR.mean},${DETECTOR.mean},${DETECTOR.mean})`;
    ctx.fillRect(0, 0, DETECTOR.width, DETECTOR.height);
    ctx.drawImage(source, place.left, place.top, place.width, place.height);
    const rgba = ctx.getImageData(0, 0, DETECTOR.width, DETECTOR.height).data;
    const input = new this.ort.Tensor('float32', inputTensorData(rgba), [1, 3, DETECTOR.height, DETECTOR.width]);
    const outputs = await this.session.run({ [DETECTOR.inputName]: input });
    const faces = facesFromOutputs(outputs[DETECTOR.scores].data, outputs[DETECTOR.boxes].data, place, width, height);
    input.dispose?.();
    for (const output of Object.values(outputs)) output.dispose?.();
    const illumination = faces[0] && this.illumination ? this.#faceIllumination(source, faces[0]) : undefined;
    return { faces, luma: meanLuma(rgba, place, width, height, faces[0]), illumination };
  }

  /** The face box drawn at full camera resolution onto the server's face grid, then measured. */
  #faceIllumination(source, face) {
    const size = this.illumination.grid;
    this.gridCanvas ??= Object.assign(document.createElement('canvas'), { width: size, height: size });
    const ctx = (this.gridContext ??= this.gridCanvas.getContext('2d', { willReadFrequently: true }));
    // Area-like averaging, as the server averages the face onto its grid.
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, face.x1, face.y1, face.x2 - face.x1, face.y2 - face.y1, 0, 0, size, size);
    return faceIllumination(lumaGrid(ctx.getImageData(0, 0, size, size).data, size), this.illumination);
  }

  release() {
    return this.session.release?.();
  }
}
