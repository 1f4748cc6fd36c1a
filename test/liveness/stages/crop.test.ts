import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LivenessEngine } from '../../../functions/liveness/engine.js';
import { faceJpeg } from '../../../functions/liveness/stages/crop.js';
import { samplePhotos } from '../../helpers/faces.js';

/** Mean absolute difference of two images at 32x32, 0..255. */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const small = (x: Buffer) => sharp(x).resize(32, 32, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [p, q] = await Promise.all([small(a), small(b)]);
  return p.reduce((sum, v, i) => sum + Math.abs(v - q[i]!), 0) / p.length;
}

describe("the caller's cropped face", () => {
  it("comes from the camera's pixels when the engine worked on a shrunk copy, upright for every EXIF orientation", async () => {
    const engine = new LivenessEngine();
    const photo = await sharp(readFileSync(samplePhotos[0]!)).resize(2400, 1800, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
    for (const orientation of [1, 3, 6, 8]) {
      const tagged = await sharp(photo).withMetadata({ orientation }).jpeg({ quality: 92 }).toBuffer();
      const a = await engine.check(tagged);
      expect(a.decoded.scale, `orientation ${orientation}`).toBeGreaterThan(4);
      const fromWorking = await faceJpeg(a.decoded, a.face);
      const fromOriginal = await faceJpeg(a.decoded, a.face, tagged);
      const [w, o] = await Promise.all([sharp(fromWorking).metadata(), sharp(fromOriginal).metadata()]);
      // The same face, at the camera's resolution rather than the working one's.
      expect(o.width!, `orientation ${orientation}`).toBeGreaterThan(2 * w.width!);
      expect(await difference(fromWorking, fromOriginal), `orientation ${orientation}`).toBeLessThan(12);
    }
  });
});
