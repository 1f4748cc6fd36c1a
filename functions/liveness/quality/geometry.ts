import type { DecodedImage, FaceBox } from '../types.js';
import type { FaceGeometry } from './types.js';

/** A box edge within this many pixels of the image edge has run into it: the face continues outside. */
const EDGE_TOUCH_PX = 1.5;

/** Where the face sits in the image and how much room is around it. Pure arithmetic on the box. */
export function faceGeometry(image: Pick<DecodedImage, 'width' | 'height'>, face: FaceBox): FaceGeometry {
  const w = Math.max(1, face.x2 - face.x1);
  const h = Math.max(1, face.y2 - face.y1);
  const left = Math.max(0, face.x1);
  const right = Math.max(0, image.width - face.x2);
  const top = Math.max(0, face.y1);
  const bottom = Math.max(0, image.height - face.y2);
  return {
    margins: { left: left / w, right: right / w, top: top / h, bottom: bottom / h },
    widthRatio: w / image.width,
    heightRatio: h / image.height,
    borderDistance: Math.min(left / image.width, right / image.width, top / image.height, bottom / image.height),
    cropped: Math.min(left, right, top, bottom) < EDGE_TOUCH_PX,
  };
}
