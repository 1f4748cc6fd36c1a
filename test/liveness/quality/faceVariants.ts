import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { LivenessEngine } from '../../../functions/liveness/engine.js';
import { DEFAULT_DECODE_LIMITS, decodeImage } from '../../../functions/liveness/stages/decode.js';
import { selectFace } from '../../../functions/liveness/stages/select.js';

/**
 * A real photo reframed as a selfie around its largest face (face about 42% of the width, 3:4
 * portrait), and that selfie degraded the way bad captures are: darkened, blown out, blurred,
 * shot from far, too close, cut off, pushed to an edge, framed tight, tilted, masked.
 */
export interface SelfieVariants {
  readonly base: Buffer;
  /** The face box in the base selfie, in pixels. */
  readonly face: { x: number; y: number; w: number; h: number };
  make(kind: VariantKind): Promise<Buffer>;
}

export type VariantKind = 'onWhite' | 'dark' | 'overExposed' | 'blurred' | 'far' | 'close' | 'cropped' | 'border' | 'tight' | 'tilted' | 'masked';

const GREY = '#7a7a7a';

export async function selfieVariants(engine: LivenessEngine, photo: string): Promise<SelfieVariants> {
  const src = await sharp(readFileSync(photo)).rotate().resize(1200, 1200, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  // Whole (no working-size shrink): the face box is used as coordinates in `src`.
  const image = await decodeImage(src, { ...DEFAULT_DECODE_LIMITS, maxWorkingSide: Infinity });
  const face = selectFace(await engine.findFaces(image), image, 'CLOSEST_TO_CAMERA');
  if (!face) throw new Error(`no face in ${photo}`);
  const w = face.x2 - face.x1;
  const h = face.y2 - face.y1;
  const W = Math.min(image.width, Math.round(w / 0.42));
  const H = Math.min(image.height, Math.round((W * 4) / 3));
  const left = Math.max(0, Math.min(image.width - W, Math.round((face.x1 + face.x2) / 2 - W / 2)));
  const top = Math.max(0, Math.min(image.height - H, Math.round((face.y1 + face.y2) / 2 - H * 0.45)));
  const base = await sharp(src).extract({ left, top, width: W, height: H }).png().toBuffer();
  const x = face.x1 - left;
  const y = face.y1 - top;
  const png = (s: sharp.Sharp) => s.png().toBuffer();
  const fromLeft = (at: number) => png(sharp(base).extract({ left: Math.round(at), top: 0, width: W - Math.round(at), height: H }));
  const farOn = (background: string) =>
    png(
      sharp(base)
        .resize(Math.round(W / 2.5))
        .extend({ top: Math.round(H * 0.6), bottom: Math.round(H * 0.6), left: Math.round(W * 0.6), right: Math.round(W * 0.6), background }),
    );
  const kinds: Record<VariantKind, () => Promise<Buffer>> = {
    // Small, in the middle of a white wall.
    onWhite: () => farOn('#ffffff'),
    dark: () => png(sharp(base).linear(0.2, 0)),
    overExposed: () => png(sharp(base).linear(1.2, 120)),
    blurred: () => png(sharp(base).blur(Math.max(2, w / 40))),
    far: () => farOn(GREY),
    close: () => png(sharp(base).extract({ left: Math.round(x + w * 0.1), top: Math.round(y + h * 0.1), width: Math.round(w * 0.8), height: Math.round(h * 0.85) })),
    // The left edge of the image runs through the face.
    cropped: () => fromLeft(x + w * 0.35),
    // The left edge of the image just outside the face.
    border: () => fromLeft(x - w * 0.03),
    // Framed tight: a little room above and beside the face, well inside the image.
    tight: () =>
      png(sharp(base).extract({ left: Math.round(x - w * 0.3), top: Math.round(y - h * 0.15), width: Math.round(w * 1.6), height: Math.min(H - Math.round(y - h * 0.15), Math.round(h * 1.9)) })),
    tilted: () => png(sharp(base).rotate(30, { background: GREY })),
    // A navy cloth mask over the nose, mouth and chin.
    masked: () =>
      png(
        sharp(base).composite([
          { input: { create: { width: Math.round(w * 0.9), height: Math.round(h * 0.6), channels: 3, background: '#1f3a5f' } }, left: Math.round(x + w * 0.05), top: Math.round(y + h * 0.4) },
        ]),
      ),
  };
  return { base, face: { x, y, w, h }, make: (kind) => kinds[kind]() };
}

/** The profile face of a real group photo, cut out on its own: head turned far, eyes cast down (closed). */
export async function turnedHeadSelfie(engine: LivenessEngine, photo: string): Promise<Buffer> {
  const src = await sharp(readFileSync(photo)).rotate().resize(1200, 1200, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  // Whole (no working-size shrink): the face box is used as coordinates in `src`.
  const image = await decodeImage(src, { ...DEFAULT_DECODE_LIMITS, maxWorkingSide: Infinity });
  const faces = await engine.findFaces(image);
  // The profile is the face the pose model turns most; the caller's photo has one such face.
  const face = selectFace(faces, image, 'CLOSEST_TO_CAMERA');
  if (!face) throw new Error(`no face in ${photo}`);
  const w = face.x2 - face.x1;
  const h = face.y2 - face.y1;
  const left = Math.max(0, Math.round(face.x1 - w * 0.6));
  const top = Math.max(0, Math.round(face.y1 - h * 0.4));
  return sharp(src)
    .extract({ left, top, width: Math.min(image.width - left, Math.round(w * 2.2)), height: Math.min(image.height - top, Math.round(h * 1.9)) })
    .png()
    .toBuffer();
}
