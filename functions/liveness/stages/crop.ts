import sharp from 'sharp';
import type { CropRegion, DecodedImage, FaceBox } from '../types.js';

/**
 * The face box scaled around its centre, then shifted (not shrunk) to stay inside the image.
 * The scale is capped so the region fits the image, as the liveness model's reference code does.
 */
export function scaledFaceRegion(image: DecodedImage, face: FaceBox, scaleWanted: number): CropRegion {
  const boxW = Math.max(1, face.x2 - face.x1);
  const boxH = Math.max(1, face.y2 - face.y1);
  const scale = Math.min((image.height - 1) / boxH, (image.width - 1) / boxW, scaleWanted);
  const width = Math.max(1, Math.min(image.width, Math.round(boxW * scale)));
  const height = Math.max(1, Math.min(image.height, Math.round(boxH * scale)));
  const cx = (face.x1 + face.x2) / 2;
  const cy = (face.y1 + face.y2) / 2;
  const left = Math.min(Math.max(0, Math.round(cx - width / 2)), image.width - width);
  const top = Math.min(Math.max(0, Math.round(cy - height / 2)), image.height - height);
  return { left, top, width, height };
}

/** The face as a JPEG for the caller (returnCroppedImageURL): the box with a margin, never upscaled. */
export async function faceJpeg(image: DecodedImage, face: FaceBox, margin = 1.4, maxSide = 512): Promise<Buffer> {
  const region = scaledFaceRegion(image, face, margin);
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(region)
    .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 90, mozjpeg: true })
    .toBuffer();
}
