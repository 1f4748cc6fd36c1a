import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { sharedModelRegistry } from '../../functions/liveness/modelRegistry.js';
import { decodeImage } from '../../functions/liveness/stages/decode.js';
import { detectFaces } from '../../functions/liveness/stages/detect.js';
import type { FaceBox } from '../../functions/liveness/types.js';
import { samplePhoto } from '../api/apiStack.js';
import { hasSharedFaces, labelledImages } from '../helpers/faces.js';

export interface FacePhoto {
  readonly name: string;
  /** Upright JPEG bytes. */
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  /** The one face the server's detector finds, in these pixels. */
  readonly face: FaceBox;
}

/** Upright photo and the faces the server's own detect stage finds in it. */
export async function serverFaces(bytes: Buffer): Promise<{ bytes: Buffer; width: number; height: number; faces: FaceBox[] }> {
  const upright = await sharp(bytes).rotate().jpeg({ quality: 95 }).toBuffer();
  const image = await decodeImage(upright);
  const faces = await detectFaces(sharedModelRegistry(), image);
  const scale = image.scale ?? 1;
  return { bytes: upright, width: Math.round(image.width * scale), height: Math.round(image.height * scale), faces: faces.map((f) => ({ ...f, x1: f.x1 * scale, y1: f.y1 * scale, x2: f.x2 * scale, y2: f.y2 * scale })) };
}

/**
 * Real single-face photos with a large, clear face: ../shared/faces live images when present,
 * else the photos shipped with @vladmandic/face-api (so the browser test never depends on ../shared).
 */
export async function singleFacePhotos(count: number): Promise<FacePhoto[]> {
  const candidates: { name: string; bytes: Buffer }[] = hasSharedFaces
    ? labelledImages()
        .filter((i) => i.label === 'live')
        .map((i) => ({ name: i.file, bytes: readFileSync(i.path) }))
    : ([1, 2, 3, 4, 5, 6] as const).map((n) => ({ name: `face-api sample${n}.jpg`, bytes: samplePhoto(n) }));
  const found: FacePhoto[] = [];
  for (const candidate of candidates) {
    const photo = await photoOf(candidate.name, candidate.bytes);
    if (!photo || photo.face.confidence < 0.95 || photo.face.x2 - photo.face.x1 < 160) continue;
    found.push(photo);
    if (found.length === count) break;
  }
  return found;
}

/** One photo and the one face the server finds in it (undefined when it finds none or several). */
export async function photoOf(name: string, original: Buffer): Promise<FacePhoto | undefined> {
  const { bytes, width, height, faces } = await serverFaces(original);
  return faces.length === 1 ? { name, bytes, width, height, face: faces[0]! } : undefined;
}
