import sharp from 'sharp';
import { type AttributeModelStage, type AttributeName, attributeFamilies, type FaceAttributes, measureAttributes } from './attributes/index.js';
import { LivenessError } from './errors.js';
import { type ModelRegistry, modelSpec, modelVersion, sharedModelRegistry } from './modelRegistry.js';
import { type DecodeLimits, DEFAULT_DECODE_LIMITS, decodeImage } from './stages/decode.js';
import { type AssessabilityConfig, assessFraming, exposureNotAssessable } from './stages/assess.js';
import { decideLiveness } from './stages/decide.js';
import { normaliseExposure } from './stages/exposure.js';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions, detectFaces } from './stages/detect.js';
import { type CropEvidence, scoreLiveness } from './stages/score.js';
import { selectFace, toBoundingBox } from './stages/select.js';
import {
  DEFAULT_QUALITY_CONFIG,
  familiesFor,
  judgeQuality,
  type MeasurementFamily,
  measureQuality,
  type QualityAssessment,
  type QualityCheckName,
  type QualityConfig,
  type QualityModelStage,
} from './quality/index.js';
import type {
  Assessability,
  BoundingBox,
  DecodedImage,
  FaceBox,
  LivenessDecision,
  LivenessScore,
  SelectionCriteria,
} from './types.js';

// libvips' operation cache never hits (every request brings new bytes) but holds up to 50 MB of
// decoded images between requests; off, decoding measured no slower (npm run bench:memory).
sharp.cache(false);

const livenessSpec = modelSpec('fr_liveness');
const calibration = (
  livenessSpec as {
    calibration?: { threshold: number; borderline?: number; assessability?: { minCropScale: number } };
  }
).calibration;

/** Default live threshold: calibrated on a named split (see models/manifest.json, docs/accuracy.md). */
export const DEFAULT_THRESHOLD = calibration?.threshold ?? 0.5;
/** Scores this close to the threshold are borderline (low confidence; the shipped rules ask for a retake below it). */
export const DEFAULT_BORDERLINE = calibration?.borderline ?? 0.15;
/** The achieved crop scale under which the model is not asked to judge (models/manifest.json). */
export const DEFAULT_MIN_CROP_SCALE = calibration?.assessability?.minCropScale ?? 1.8;

export interface CheckOptions {
  readonly threshold?: number;
  readonly selection?: SelectionCriteria;
  /** HyperVerge `qualityChecks.*` to answer; only these are computed (and only their models run). */
  readonly qualityChecks?: readonly QualityCheckName[];
  /** Face attributes to estimate (ageRange, gender, and the 002 API's eyesOpen, mouthOpen, smile, emotions). */
  readonly attributes?: readonly AttributeName[];
  /**
   * 'basic' (default): the quality status from image statistics, face geometry and face count only
   * (no extra model). 'full': also run the pose model and the occlusion measure so
   * FACE_ANGLE_TOO_LARGE and FACE_OCCLUDED can be reported.
   */
  readonly qualityStatus?: 'basic' | 'full';
  /**
   * Also return the liveness model's logits and embedding for the scored crop (one run of
   * fr_liveness_embedding instead of fr_liveness, same score): the merged level reuses them.
   */
  readonly livenessEvidence?: boolean;
}

export interface EngineConfig {
  readonly decode: DecodeLimits;
  readonly detect: DetectOptions;
  /** Padding tried, in order, until a face is found: a face that fills the frame needs some. */
  readonly detectPaddings: readonly number[];
  readonly threshold: number;
  readonly borderline: number;
  readonly quality: QualityConfig;
  /** When the model can judge a face at all (context around it). */
  readonly assessability: AssessabilityConfig;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  decode: DEFAULT_DECODE_LIMITS,
  detect: DEFAULT_DETECT_OPTIONS,
  detectPaddings: [0, 0.5],
  threshold: DEFAULT_THRESHOLD,
  borderline: DEFAULT_BORDERLINE,
  quality: DEFAULT_QUALITY_CONFIG,
  assessability: { minCropScale: DEFAULT_MIN_CROP_SCALE, maxFaceRatio: DEFAULT_QUALITY_CONFIG.maxFaceRatio },
};

export type StageName = 'decode' | 'detect' | 'select' | 'assess' | 'score' | 'decide' | 'quality';
/** Stages that run only when a check or attribute asks for them. */
export type OptionalStageName = QualityModelStage | AttributeModelStage;

/** Everything the engine established about one image; the API and the CLI shape it for their callers. */
export interface LivenessAssessment {
  readonly image: Pick<DecodedImage, 'format' | 'width' | 'height'>;
  readonly faces: readonly FaceBox[];
  readonly face: FaceBox;
  readonly boundingBox: BoundingBox;
  readonly liveness: LivenessScore;
  /** The scored crop's logits and embedding, when `livenessEvidence` asked for them. */
  readonly livenessEvidence?: CropEvidence;
  /** Whether the model could judge this face (context available, camera exposure usable), and the measures behind it. */
  readonly assessability: Assessability;
  readonly decision: LivenessDecision;
  readonly selection: SelectionCriteria;
  readonly modelVersion: string;
  /** Image quality: status, every failure, measurements, and the requested checks. */
  readonly quality: QualityAssessment;
  /** The requested face attributes (empty when none were asked for). */
  readonly attributes: FaceAttributes;
  /** Milliseconds spent in each stage; optional stages appear only when they ran. */
  readonly timings: Readonly<Record<StageName, number>> & Readonly<Partial<Record<OptionalStageName, number>>>;
  /** The decoded pixels, kept in memory only for optional stages of the same request (crop, quality). */
  readonly decoded: DecodedImage;
}

/** The quality status says why a face is not assessable: that reason comes first. */
function withAssessability(quality: QualityAssessment, assessability: Assessability): QualityAssessment {
  if (assessability.assessable || !assessability.reason) return quality;
  const failures = [assessability.reason, ...quality.failures.filter((f) => f !== assessability.reason)];
  return { ...quality, status: failures[0]!, failures };
}

/** The liveness pipeline: decode → detect → select → score → decide, each a named stage. */
export class LivenessEngine {
  readonly config: EngineConfig;

  constructor(
    readonly models: ModelRegistry = sharedModelRegistry(),
    config: Partial<EngineConfig> = {},
  ) {
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...config };
  }

  /** Load the models every request needs; call at process start (Lambda init). */
  warmUp(): Promise<void> {
    return this.models.preload(['fr_detect', 'fr_liveness']);
  }

  /** Detection with growing padding until a face is found (close selfies fill the frame). */
  async findFaces(image: DecodedImage): Promise<FaceBox[]> {
    let faces: FaceBox[] = [];
    for (const padding of this.config.detectPaddings) {
      faces = await detectFaces(this.models, image, { ...this.config.detect, padding });
      if (faces.length > 0) break;
    }
    return faces;
  }

  /** Detection again on an exposure-normalised copy (same pixel grid); empty when normalising cannot help. */
  async findFacesNormalised(image: DecodedImage): Promise<FaceBox[]> {
    const normalised = normaliseExposure(image);
    return normalised ? this.findFaces(normalised) : [];
  }

  /**
   * Faces in the camera's pixels; when there are none, on an exposure-normalised copy, to say why
   * (a blown-out or dark selfie) rather than "no face". A face found only there is never judged.
   */
  async locateFaces(image: DecodedImage): Promise<{ faces: FaceBox[]; foundOnlyNormalised: boolean }> {
    const faces = await this.findFaces(image);
    if (faces.length > 0) return { faces, foundOnlyNormalised: false };
    const retried = await this.findFacesNormalised(image);
    return { faces: retried, foundOnlyNormalised: retried.length > 0 };
  }

  /** Stage 4a for one face: assessable or not, and why (a per-frame caller reuses it). */
  assess(image: DecodedImage, face: FaceBox, foundOnlyNormalised = false): Assessability {
    const framing = assessFraming(image, face, livenessSpec.cropScale ?? 2.7, this.config.assessability);
    return foundOnlyNormalised ? exposureNotAssessable(framing) : framing;
  }

  /** Stage 1 alone: a caller with several images can decode the next one while this one is inferred. */
  decode(bytes: Uint8Array): Promise<DecodedImage> {
    return decodeImage(bytes, this.config.decode);
  }

  async check(bytes: Uint8Array, options: CheckOptions = {}): Promise<LivenessAssessment> {
    const started = performance.now();
    const decoded = await this.decode(bytes);
    return this.checkDecoded(decoded, options, performance.now() - started);
  }

  /** Stages 2 onwards on an image `decode` gave; `decodeMs` is reported as the decode stage's time. */
  async checkDecoded(decoded: DecodedImage, options: CheckOptions = {}, decodeMs = 0): Promise<LivenessAssessment> {
    const threshold = options.threshold ?? this.config.threshold;
    const selection = options.selection ?? 'CLOSEST_TO_CAMERA';
    const timings = { decode: decodeMs } as Record<StageName, number> & Partial<Record<OptionalStageName, number>>;
    const timed = async <T>(stage: StageName | OptionalStageName, work: () => Promise<T> | T): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        // Accumulates: the cheap quality stage is timed in two parts (measure, judge).
        timings[stage] = (timings[stage] ?? 0) + performance.now() - started;
      }
    };

    const { faces, foundOnlyNormalised } = await timed('detect', () => this.locateFaces(decoded));
    const face = await timed('select', () => selectFace(faces, decoded, selection));
    if (!face) throw new LivenessError('FACE_NOT_DETECTED', 'no face detected in the image');
    const assessability = await timed('assess', () => this.assess(decoded, face, foundOnlyNormalised));
    // Scored on the camera's pixels (never the normalised copy); reported, but not a verdict when not assessable.
    const { evidence: livenessEvidence, ...liveness } = await timed('score', () =>
      scoreLiveness(this.models, decoded, face, undefined, options.livenessEvidence),
    );
    const decision = await timed('decide', () =>
      decideLiveness(liveness, { threshold, borderline: this.config.borderline }, assessability),
    );
    const qualityChecks = options.qualityChecks ?? [];
    const attributes = options.attributes ?? [];
    const families = new Set<MeasurementFamily>([
      ...familiesFor(qualityChecks),
      ...attributeFamilies(attributes),
      ...(options.qualityStatus === 'full' ? (['pose', 'occlusion'] as const) : []),
    ]);
    const measurements = await measureQuality(this.models, decoded, face, faces.length, families, timed);
    const quality = await timed('quality', () =>
      withAssessability(judgeQuality(measurements, face, qualityChecks, this.config.quality, decoded.scale), assessability),
    );
    const faceAttributes =
      attributes.length > 0 ? await measureAttributes(this.models, decoded, face, attributes, measurements, timed) : {};
    return {
      image: { format: decoded.format, width: decoded.width, height: decoded.height },
      faces,
      face,
      boundingBox: toBoundingBox(face, decoded.scale),
      liveness,
      ...(livenessEvidence ? { livenessEvidence } : {}),
      assessability,
      decision,
      selection,
      modelVersion: modelVersion(livenessSpec),
      quality,
      attributes: faceAttributes,
      timings,
      decoded,
    };
  }
}
