import { imageSize } from 'image-size';
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

/** A working-image region in the original's upright pixels, kept inside them. */
function regionInOriginal(original: Uint8Array, region: CropRegion, scale: number): CropRegion {
  const meta = imageSize(original); // the header, as decode read it
  const turned = (meta.orientation ?? 1) >= 5;
  const width = (turned ? meta.height : meta.width) ?? 0;
  const height = (turned ? meta.width : meta.height) ?? 0;
  const left = Math.min(width - 1, Math.floor(region.left * scale));
  const top = Math.min(height - 1, Math.floor(region.top * scale));
  return {
    left,
    top,
    width: Math.max(1, Math.min(width - left, Math.round(region.width * scale))),
    height: Math.max(1, Math.min(height - top, Math.round(region.height * scale))),
  };
}

/**
 * The face as a JPEG for the caller (returnCroppedImageURL): the box with a margin, never upscaled.
 * A photo the engine shrank to its working size is cropped from the caller's own bytes, decoded
 * again for that region only, so the face keeps the camera's resolution (up to `maxSide`).
 */
export async function faceJpeg(
  image: DecodedImage,
  face: FaceBox,
  original?: Uint8Array,
  margin = 1.4,
  maxSide = 512,
): Promise<Buffer> {
  const region = scaledFaceRegion(image, face, margin);
  const scale = image.scale ?? 1;
  const crop =
    original && scale > 1 && image.format !== 'bmp'
      ? sharp(original, { sequentialRead: true, ignoreIcc: true }).autoOrient().extract(regionInOriginal(original, region, scale))
      : sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).extract(region);
  return crop.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90, mozjpeg: true }).toBuffer();
}
