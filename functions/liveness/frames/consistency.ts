import type { DecodedImage, FaceBox } from '../types.js';

/** What a hand-held capture may do between two consecutive frames (a few hundred ms apart). */
export interface ConsistencyLimits {
  /** Largest move of the face centre between consecutive frames, in face widths. */
  readonly maxCentreShift: number;
  /** Largest change of the face width between consecutive frames, as a ratio (larger / smaller). */
  readonly maxSizeRatio: number;
  /** Two frames whose mean absolute pixel difference (0..255) is below this are the same still. */
  readonly identicalBelow: number;
}

export const DEFAULT_CONSISTENCY_LIMITS: ConsistencyLimits = { maxCentreShift: 0.5, maxSizeRatio: 1.4, identicalBelow: 0.5 };

/** The tracked face across frames and what, if anything, is inconsistent about it. */
export interface FrameConsistency {
  /** Faces detected in each frame. */
  readonly facesPerFrame: readonly number[];
  /** The tracked face in each frame (undefined where the frame had none). */
  readonly track: readonly (FaceBox | undefined)[];
  /** Largest centre shift between consecutive tracked faces, in face widths (0 for one frame). */
  readonly maxCentreShift: number;
  /** Largest width ratio between consecutive tracked faces (1 for one frame). */
  readonly maxSizeRatio: number;
  /** Pairs of consecutive frames (0-based) that are the same picture: a still sent again. */
  readonly identicalPairs: readonly (readonly [number, number])[];
  /** Why the detection is inconsistent; empty when it is consistent. */
  readonly reasons: readonly ('FRAME_WITHOUT_FACE' | 'SEVERAL_FACES' | 'FACE_JUMP' | 'FACE_SIZE_JUMP' | 'IDENTICAL_FRAMES')[];
}

const centre = (f: FaceBox) => [(f.x1 + f.x2) / 2, (f.y1 + f.y2) / 2] as const;
const width = (f: FaceBox) => Math.max(1, f.x2 - f.x1);

function overlap(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** The face of `faces` that continues `previous`: the best overlap, else the nearest centre. */
export function continueTrack(previous: FaceBox, faces: readonly FaceBox[]): FaceBox | undefined {
  let best: FaceBox | undefined;
  let bestKey = -Infinity;
  for (const face of faces) {
    const [px, py] = centre(previous);
    const [cx, cy] = centre(face);
    const key = overlap(previous, face) - Math.hypot(cx - px, cy - py) / (1e6 * width(previous));
    if (key > bestKey) {
      best = face;
      bestKey = key;
    }
  }
  return best;
}

/** Mean absolute difference of two same-size images on a sparse grid of pixels (0..255). */
export function meanAbsoluteDifference(a: DecodedImage, b: DecodedImage, samples = 20_000): number {
  const pixels = a.width * a.height;
  const step = Math.max(1, Math.floor(pixels / samples));
  let sum = 0;
  let count = 0;
  for (let p = 0; p < pixels; p += step) {
    for (let c = 0; c < 3; c++) sum += Math.abs(a.rgb[3 * p + c]! - b.rgb[3 * p + c]!);
    count += 3;
  }
  return sum / count;
}

/**
 * Stage for several frames: follow the face selected in the first frame that has one through the
 * others and judge whether one live capture explains the detections.
 */
export function judgeConsistency(
  frames: readonly DecodedImage[],
  facesPerFrame: readonly (readonly FaceBox[])[],
  first: { readonly index: number; readonly face: FaceBox },
  limits: ConsistencyLimits = DEFAULT_CONSISTENCY_LIMITS,
): FrameConsistency {
  const track: (FaceBox | undefined)[] = facesPerFrame.map(() => undefined);
  track[first.index] = first.face;
  for (let i = first.index + 1; i < frames.length; i++) {
    const previous = track.slice(0, i).reverse().find(Boolean);
    track[i] = previous ? continueTrack(previous, facesPerFrame[i]!) : undefined;
  }
  for (let i = first.index - 1; i >= 0; i--) track[i] = continueTrack(track[i + 1] ?? first.face, facesPerFrame[i]!);
  let maxCentreShift = 0;
  let maxSizeRatio = 1;
  for (let i = 1; i < track.length; i++) {
    const a = track[i - 1];
    const b = track[i];
    if (!a || !b) continue;
    const [ax, ay] = centre(a);
    const [bx, by] = centre(b);
    maxCentreShift = Math.max(maxCentreShift, Math.hypot(bx - ax, by - ay) / Math.min(width(a), width(b)));
    maxSizeRatio = Math.max(maxSizeRatio, Math.max(width(a), width(b)) / Math.min(width(a), width(b)));
  }
  const identicalPairs: [number, number][] = [];
  for (let i = 1; i < frames.length; i++) {
    if (meanAbsoluteDifference(frames[i - 1]!, frames[i]!) < limits.identicalBelow) identicalPairs.push([i - 1, i]);
  }
  const counts = facesPerFrame.map((f) => f.length);
  const reasons: FrameConsistency['reasons'][number][] = [];
  if (counts.some((n) => n === 0)) reasons.push('FRAME_WITHOUT_FACE');
  if (counts.some((n) => n > 1)) reasons.push('SEVERAL_FACES');
  if (maxCentreShift > limits.maxCentreShift) reasons.push('FACE_JUMP');
  if (maxSizeRatio > limits.maxSizeRatio) reasons.push('FACE_SIZE_JUMP');
  if (identicalPairs.length > 0) reasons.push('IDENTICAL_FRAMES');
  return { facesPerFrame: counts, track, maxCentreShift, maxSizeRatio, identicalPairs, reasons };
}
