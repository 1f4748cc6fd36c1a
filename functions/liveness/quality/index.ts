import type { ModelRegistry } from '../modelRegistry.js';
import type { DecodedImage, FaceBox } from '../types.js';
import { type MeasurementFamily, qualityChecks } from './checks.js';
import type { QualityConfig } from './config.js';
import { eyeState } from './eyes.js';
import { faceGeometry } from './geometry.js';
import { imageStatistics } from './imageStatistics.js';
import { detectLandmarks } from './landmarks.js';
import { occlusionScore } from './occlusion.js';
import { headPose } from './pose.js';
import { qualityFailures, qualityMeasures, qualityStatusOf } from './status.js';
import type { QualityAssessment, QualityCheckName, QualityMeasurements } from './types.js';

export * from './types.js';
export { DEFAULT_QUALITY_CONFIG, type QualityConfig } from './config.js';
export { CHECK_NEEDS, familiesFor, type MeasurementFamily } from './checks.js';

/** Names of the optional stages (models, and the occlusion colour measure), for timings. */
export type QualityModelStage = 'pose' | 'landmarks' | 'eyes' | 'occlusion';

/** Runs `work`, recording its duration under `stage` (the engine's timer); 'quality' is the cheap always-on part. */
export type StageTimer = <T>(stage: QualityModelStage | 'quality', work: () => Promise<T> | T) => Promise<T>;

const untimed: StageTimer = async (_stage, work) => work();

/**
 * The measurements for one face: the image statistics and face geometry always (pure, cheap), and
 * the pose, landmark and eye models only for the families asked for.
 */
export async function measureQuality(
  models: ModelRegistry,
  image: DecodedImage,
  face: FaceBox,
  facesDetected: number,
  families: ReadonlySet<MeasurementFamily>,
  time: StageTimer = untimed,
): Promise<QualityMeasurements> {
  const [statistics, geometry] = await time('quality', () => [imageStatistics(image, face), faceGeometry(image, face)] as const);
  const pose = families.has('pose') ? await time('pose', () => headPose(models, image, face)) : undefined;
  const occlusion = families.has('occlusion') ? await time('occlusion', () => occlusionScore(image, face)) : undefined;
  const landmarks =
    families.has('landmarks') || families.has('eyes')
      ? await time('landmarks', () => detectLandmarks(models, image, face))
      : undefined;
  const eyes = families.has('eyes') && landmarks ? await time('eyes', () => eyeState(models, image, landmarks)) : undefined;
  return {
    statistics,
    geometry,
    facesDetected,
    ...(pose ? { pose } : {}),
    ...(landmarks ? { landmarks } : {}),
    ...(occlusion !== undefined ? { occlusionScore: occlusion } : {}),
    ...(eyes ? { eyes } : {}),
  };
}

/**
 * Status, every failure, and the requested checks, from measurements. Pure. `scale` is the
 * camera's pixels per working pixel: a face is too small to judge by what the camera captured.
 */
export function judgeQuality(
  measurements: QualityMeasurements,
  face: FaceBox,
  requested: readonly QualityCheckName[],
  config: QualityConfig,
  scale = 1,
): QualityAssessment {
  const facePixels = (face.x2 - face.x1) * scale;
  const failures = qualityFailures(measurements, facePixels, config);
  const evidence = Object.fromEntries(
    failures.map((status) => [status, qualityMeasures(status, measurements, facePixels, config)] as const).filter(([, measures]) => measures.length > 0),
  );
  return {
    status: qualityStatusOf(failures),
    failures,
    evidence,
    measurements,
    checks: qualityChecks(requested, measurements, facePixels, config),
  };
}
