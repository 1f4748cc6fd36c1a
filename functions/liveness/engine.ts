import sharp from 'sharp';
import { type AttributeModelStage, type AttributeName, attributeFamilies, type FaceAttributes, measureAttributes } from './attributes/index.js';
import { LivenessError } from './errors.js';
import { type DeclaredModelSpec, type ModelRegistry, modelSpec, modelVersion, sharedModelRegistry } from './modelRegistry.js';
import { describeFusion, type FusionCalibration, fusionFor, fuseModelScores, type FusionRule } from './fusion.js';
import { type DecodeLimits, DEFAULT_DECODE_LIMITS, decodeImage } from './stages/decode.js';
import { type AssessabilityConfig, assessFraming, exposureNotAssessable } from './stages/assess.js';
import { decideLiveness } from './stages/decide.js';
import { normaliseExposure } from './stages/exposure.js';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions, detectFaces } from './stages/detect.js';
import { type CropEvidence, livenessConventions, scoreWithModel } from './stages/score.js';
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
  ModelScore,
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

/**
 * Which liveness models judge a face: fr_liveness alone (today's, and the default without a pack),
 * an installed pack's models alone, or all of them fused (the default with a pack).
 */
export type LivenessModelChoice = 'fr_liveness' | 'pack' | 'fusion';

/** The models a choice runs, how their scores become one, and the calibrated threshold for that score. */
export interface LivenessPlan {
  readonly choice: LivenessModelChoice;
  readonly specs: readonly DeclaredModelSpec[];
  /** Absent for fr_liveness alone: its score is the answer. */
  readonly rule?: FusionRule;
  readonly calibration: FusionCalibration;
}

/** The face's liveness: the one score that is decided on, and each model's own. */
export interface FusedLivenessScore extends LivenessScore {
  readonly models: readonly ModelScore[];
  /** How the models' scores became `score` (e.g. "meanLogOdds of fr_liveness, silent_face_v2, silent_face_v1se"); absent for one model. */
  readonly fusion?: string;
}

export interface CheckOptions {
  readonly threshold?: number;
  /** Which liveness models decide (default: the fusion when a pack is installed, else fr_liveness alone). */
  readonly livenessModels?: LivenessModelChoice;
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
  readonly liveness: FusedLivenessScore;
  /** The scored crop's logits and embedding, when `livenessEvidence` asked for them. */
  readonly livenessEvidence?: CropEvidence;
  /** Whether the model could judge this face (context available, camera exposure usable), and the measures behind it. */
  readonly assessability: Assessability;
  readonly decision: LivenessDecision;
  readonly selection: SelectionCriteria;
  /** Every liveness model that decided, comma-separated (e.g. "fr_liveness@0.0.1#afa783b7"). */
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

/** The quality status says why a face is not assessable: that reason comes first, with the crop scale that decided it. */
function withAssessability(quality: QualityAssessment, assessability: Assessability, minCropScale: number): QualityAssessment {
  if (assessability.assessable || !assessability.reason) return quality;
  const reason = assessability.reason;
  const failures = [reason, ...quality.failures.filter((f) => f !== reason)];
  const cropScale = { name: 'cropScale', value: assessability.cropScaleAchieved, limit: minCropScale, bound: 'min' as const, failed: true };
  const evidence = { ...quality.evidence, [reason]: [...(quality.evidence[reason] ?? []).filter((m) => m.name !== 'cropScale'), cropScale] };
  return { ...quality, status: failures[0]!, failures, evidence };
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
    return this.models.preload(['fr_detect', ...this.livenessPlan().specs.map((s) => s.id)]);
  }

  /** The liveness models of a check: the fusion when a pack is loaded, else fr_liveness alone. */
  get defaultLivenessModels(): LivenessModelChoice {
    return this.models.packs.some(({ pack }) => fusionFor(pack.name)) ? 'fusion' : 'fr_liveness';
  }

  /** What a choice of liveness models runs and decides at; a pack choice without a pack loaded is refused. */
  livenessPlan(choice: LivenessModelChoice = this.defaultLivenessModels): LivenessPlan {
    if (choice === 'fr_liveness') {
      return { choice, specs: [livenessSpec], calibration: { threshold: this.config.threshold, borderline: this.config.borderline } };
    }
    const fusion = this.models.packs.map(({ pack }) => fusionFor(pack.name)).find((f) => f !== undefined);
    if (!fusion) {
      throw new LivenessError('MODEL_UNAVAILABLE', `liveness models "${choice}" need an installed model pack: run \`npx liveness models add silent-face\``);
    }
    const { fusion: rule, calibration } = choice === 'pack' ? fusion.packAlone : fusion;
    return { choice, specs: rule.models.map((id) => this.models.spec(id)), rule, calibration };
  }

  /** Stage 5: each planned model on its own crop of the same camera pixels, then one score. */
  async scoreFace(
    image: DecodedImage,
    face: FaceBox,
    plan: LivenessPlan,
    evidence = false,
  ): Promise<{ liveness: FusedLivenessScore; evidence?: CropEvidence }> {
    const scored: (ModelScore & { id: string; evidence?: CropEvidence })[] = [];
    for (const spec of plan.specs) {
      const wantEvidence = evidence && spec.id === livenessSpec.id;
      scored.push({ id: spec.id, ...(await scoreWithModel(this.models, image, face, livenessConventions(spec), wantEvidence)) });
    }
    const models = scored.map(({ model, score, probabilities }) => ({ model, score, probabilities }));
    const cropEvidence = scored.find((s) => s.evidence)?.evidence;
    if (!plan.rule) {
      return { liveness: { score: models[0]!.score, probabilities: models[0]!.probabilities, models }, evidence: cropEvidence };
    }
    const score = fuseModelScores(plan.rule, scored);
    return { liveness: { score, probabilities: [score, 1 - score], models, fusion: describeFusion(plan.rule) }, evidence: cropEvidence };
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
    const plan = this.livenessPlan(options.livenessModels);
    const threshold = options.threshold ?? plan.calibration.threshold;
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
    const { liveness, evidence: livenessEvidence } = await timed('score', () =>
      this.scoreFace(decoded, face, plan, options.livenessEvidence),
    );
    const decision = await timed('decide', () =>
      decideLiveness(liveness, { threshold, borderline: plan.calibration.borderline }, assessability),
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
      withAssessability(
        judgeQuality(measurements, face, qualityChecks, this.config.quality, decoded.scale),
        assessability,
        this.config.assessability.minCropScale,
      ),
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
      modelVersion: liveness.models.map((m) => m.model).join(','),
      quality,
      attributes: faceAttributes,
      timings,
      decoded,
    };
  }
}
