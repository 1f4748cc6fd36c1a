import type { ModelRegistry } from '../modelRegistry.js';
import { modelSpec } from '../modelRegistry.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { halveIntoPlanes, interleavedToPlanes, resampleArea } from './resample.js';

export interface DetectOptions {
  /** Minimum face score kept before NMS. */
  readonly minConfidence: number;
  /** Boxes overlapping more than this (IoU) with a better one are dropped. */
  readonly nmsIoU: number;
  /**
   * Grey border added around the image, as a fraction of its size per side, before detection.
   * The detector's anchors stop at 256 px of its 320x240 input, so a face that fills the frame
   * (a close selfie, a tight crop) is only found once it is made smaller by padding.
   */
  readonly padding: number;
  /** Faces smaller than this fraction of the image's shorter side are ignored (noise, background). */
  readonly minFaceFraction: number;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = {
  minConfidence: 0.7,
  nmsIoU: 0.4,
  padding: 0,
  minFaceFraction: 0.04,
};

const spec = modelSpec('fr_detect');
const [, , IN_H, IN_W] = spec.input.shape as [number, number, number, number];
const GREY = spec.input.mean;

/** Where the image sits inside the detector input, so boxes can be mapped back. */
export interface Placement {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Aspect-preserving placement of the (padded) image in the detector input, centred on grey. */
export function placement(image: DecodedImage, padding: number): Placement {
  const canvasW = image.width * (1 + 2 * padding);
  const canvasH = image.height * (1 + 2 * padding);
  const scale = Math.min(IN_W / canvasW, IN_H / canvasH);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { left: Math.floor((IN_W - width) / 2), top: Math.floor((IN_H - height) / 2), width, height };
}

/**
 * The letterboxed detector input: the image area-resampled into its placement, grey (0) around it.
 * A frame exactly twice the placement (VGA) goes straight into the planes as 2x2 means, the same
 * values in one pass (JavaScript is slow at the general resampling, which costs per source pixel).
 */
export function detectorInput(image: DecodedImage, place: Placement, reuse?: Float32Array): Float32Array {
  const data = (reuse ?? new Float32Array(3 * IN_W * IN_H)).fill((GREY - spec.input.mean) * spec.input.scale);
  const into = { data, width: place.width, height: place.height, left: place.left, top: place.top, planeWidth: IN_W, planeHeight: IN_H };
  if (image.width === 2 * place.width && image.height === 2 * place.height) {
    return halveIntoPlanes(image, spec.input.mean, spec.input.scale, into);
  }
  const full = { left: 0, top: 0, width: image.width, height: image.height };
  return interleavedToPlanes(resampleArea(image, full, place.width, place.height), 'RGB', spec.input.mean, spec.input.scale, into);
}

export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (f: FaceBox) => (f.x2 - f.x1) * (f.y2 - f.y1);
  return inter / (area(a) + area(b) - inter);
}

/** Greedy non-maximum suppression, best score first. */
export function nonMaximumSuppression(boxes: readonly FaceBox[], maxIoU: number): FaceBox[] {
  const kept: FaceBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.confidence - a.confidence)) {
    if (kept.every((k) => iou(k, box) <= maxIoU)) kept.push(box);
  }
  return kept;
}

const spareInputs: Float32Array[] = [];

/** Stage 2: every face in the image, best first, in image pixels. */
export async function detectFaces(
  models: ModelRegistry,
  image: DecodedImage,
  options: DetectOptions = DEFAULT_DETECT_OPTIONS,
): Promise<FaceBox[]> {
  const place = placement(image, options.padding);
  // Input buffers (900 KB each) go back to a small pool once the model has read them: fewer collections.
  const input = detectorInput(image, place, spareInputs.pop());
  const outputs = await models.run('fr_detect', input).finally(() => {
    if (spareInputs.length < 4) spareInputs.push(input);
  });
  const scores = outputs[spec.outputs.scores!]!.data as Float32Array;
  const boxes = outputs[spec.outputs.boxes!]!.data as Float32Array;
  const faceClass = spec.classes?.face ?? 1;
  const toX = (v: number) => ((v * IN_W - place.left) * image.width) / place.width;
  const toY = (v: number) => ((v * IN_H - place.top) * image.height) / place.height;
  const minSide = options.minFaceFraction * Math.min(image.width, image.height);
  const candidates: FaceBox[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const confidence = scores[2 * i + faceClass]!;
    if (confidence < options.minConfidence) continue;
    const x1 = Math.max(0, toX(boxes[4 * i]!));
    const y1 = Math.max(0, toY(boxes[4 * i + 1]!));
    const x2 = Math.min(image.width, toX(boxes[4 * i + 2]!));
    const y2 = Math.min(image.height, toY(boxes[4 * i + 3]!));
    if (x2 - x1 < minSide || y2 - y1 < minSide) continue;
    candidates.push({ x1, y1, x2, y2, confidence });
  }
  return nonMaximumSuppression(candidates, options.nmsIoU);
}
