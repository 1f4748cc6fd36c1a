import headJson from '../../../models/liveness_head.json' with { type: 'json' };
import silentFaceHeadJson from '../../../models/liveness_head.silent-face.json' with { type: 'json' };
import { createHash } from 'node:crypto';
import type { CheckOptions, LivenessAssessment, LivenessEngine } from '../engine.js';
import { isLivenessError, LivenessError } from '../errors.js';
import { type ConsistencyLimits, DEFAULT_CONSISTENCY_LIMITS, type FrameConsistency, judgeConsistency } from '../frames/consistency.js';
import { modelSpec, modelVersion } from '../modelRegistry.js';
import { decideLiveness } from '../stages/decide.js';
import { selectFace, toBoundingBox } from '../stages/select.js';
import type { BoundingBox, DecodedImage, FaceBox } from '../types.js';
import { type FrameEvidence, frameEvidence, usesPack } from './evidence.js';
import { aggregateFrameScores, frameLiveProbability, type LivenessHead } from './head.js';

/** How many frames of one capture, and how large each, the merged level accepts. */
export interface FrameLimits {
  readonly maxFrames: number;
  /** Pixels (width x height, as sent) of any one frame. */
  readonly maxFramePixels: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxFrames: 8, maxFramePixels: 4096 * 4096 };

export interface FramesOptions extends CheckOptions {
  readonly limits?: FrameLimits;
  readonly consistency?: ConsistencyLimits;
}

/** What the merged level adds to an assessment: the frames, their scores and their consistency. */
export interface FramesReport {
  readonly count: number;
  /** Head score of each frame (live probability); null for a frame without the tracked face. */
  readonly scores: readonly (number | null)[];
  readonly aggregation: 'mean of the lower half of the frame scores';
  readonly consistency: Omit<FrameConsistency, 'track'> & { readonly track: readonly (BoundingBox | null)[] };
  /** The frame the rest of the assessment (box, quality, attributes) describes. */
  readonly reportedFrame: number;
  readonly head: string;
}

export interface MergedAssessment extends LivenessAssessment {
  readonly method: 'merged';
  readonly frames: FramesReport;
  /** Milliseconds of the merged level's own work, beyond the reported frame's `check()`. */
  readonly frameTimings: Readonly<Record<'decode' | 'detect' | 'evidence' | 'consistency', number>>;
}

const checksumOf = (head: Record<string, unknown>) => {
  const { sha256: _omit, ...rest } = head;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
};

/** The shipped head (models/liveness_head.json), refused when its content does not match its sha256. */
export function loadHead(json: Record<string, unknown> = headJson as unknown as Record<string, unknown>): LivenessHead & { sha256: string } {
  if (json.sha256 !== checksumOf(json)) {
    throw new LivenessError('MODEL_UNAVAILABLE', `the merged level's head ${String(json.id)} does not match its sha256: retrain or restore it`);
  }
  return json as unknown as LivenessHead & { sha256: string };
}

const headVersion = (head: LivenessHead & { sha256: string }) => `${head.id}@${head.version}#${head.sha256.slice(0, 8)}`;
const usesWideCrop = (head: LivenessHead) => head.featureSet.includes('crop4');
const sameBox = (a: FaceBox, b: FaceBox) => a.x1 === b.x1 && a.y1 === b.y1 && a.x2 === b.x2 && a.y2 === b.y2;

/**
 * Level 2 ("merged"): 1-8 frames of one capture. The first frame with a face goes through the
 * engine's own `check()` (box, quality, attributes); every frame is then followed for consistency
 * and scored by the learned head over fr_liveness evidence (and a model pack's, when loaded), and the frame scores are aggregated.
 */
export class MergedLiveness {
  readonly head: LivenessHead & { sha256: string };

  constructor(
    readonly engine: LivenessEngine,
    head?: LivenessHead & { sha256: string },
  ) {
    // With the silent-face pack loaded, the head trained on its models' evidence too (liveness train --pack-dir).
    const withPack = engine.models.packs.some(({ pack }) => pack.name === 'silent-face');
    this.head = head ?? loadHead(withPack ? (silentFaceHeadJson as unknown as Record<string, unknown>) : undefined);
  }

  /** The pack models the head reads, in the order its features list them. */
  private get packModels() {
    return usesPack(this.head.featureSet) ? this.engine.models.packModels : [];
  }

  warmUp(): Promise<void> {
    return this.engine.models.preload(['fr_detect', 'fr_liveness', 'fr_liveness_embedding', ...this.packModels.map((m) => m.id)]);
  }

  async checkFrames(frames: readonly Uint8Array[], options: FramesOptions = {}): Promise<MergedAssessment> {
    const limits = options.limits ?? DEFAULT_FRAME_LIMITS;
    if (frames.length === 0) throw new LivenessError('EMPTY_IMAGE', 'no frame was sent');
    if (frames.length > limits.maxFrames) {
      throw new LivenessError('TOO_MANY_FRAMES', `${frames.length} frames sent; at most ${limits.maxFrames} frames of one capture`);
    }
    const frameTimings = { decode: 0, detect: 0, evidence: 0, consistency: 0 };
    const timed = async <T>(stage: keyof typeof frameTimings, work: () => Promise<T> | T): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        frameTimings[stage] += performance.now() - started;
      }
    };
    const selection = options.selection ?? 'CLOSEST_TO_CAMERA';
    // The reported frame's check() scores its crop with the embedding model, whose run the head reuses.
    // The head scores every frame from its own evidence: the reported frame's check needs fr_liveness's only.
    const check = (i: number) => this.engine.check(frames[i]!, { ...options, livenessModels: 'fr_liveness', livenessEvidence: true });

    // The usual case: the first frame has a face, and its check() also gives its pixels and faces.
    let base = await check(0).catch((error: unknown) => {
      if (frames.length > 1 && isLivenessError(error) && error.code === 'FACE_NOT_DETECTED') return undefined;
      throw error;
    });
    const decoded: DecodedImage[] = [];
    const faces: (readonly FaceBox[])[] = [];
    for (let i = 0; i < frames.length; i++) {
      if (i === 0 && base) {
        decoded.push(base.decoded);
        faces.push(base.faces);
        continue;
      }
      const image = await timed('decode', () => this.engine.decode(frames[i]!));
      decoded.push(image);
      faces.push(await timed('detect', () => this.engine.findFaces(image)));
    }
    decoded.forEach((image, i) => {
      const scale = image.scale ?? 1;
      const pixels = Math.round(image.width * scale) * Math.round(image.height * scale);
      if (pixels > limits.maxFramePixels) {
        throw new LivenessError('IMAGE_TOO_LARGE', `frame ${i + 1} has ${pixels} pixels; at most ${limits.maxFramePixels} per frame`);
      }
      const first = decoded[0]!;
      if (image.width !== first.width || image.height !== first.height) {
        throw new LivenessError(
          'FRAME_SIZE_MISMATCH',
          `frame ${i + 1} is ${image.width}x${image.height} (working size), frame 1 is ${first.width}x${first.height}: frames of one capture share one size`,
        );
      }
    });
    const reportedFrame = base ? 0 : faces.findIndex((f) => f.length > 0);
    if (reportedFrame < 0) throw new LivenessError('FACE_NOT_DETECTED', 'no face detected in any frame');
    base ??= await check(reportedFrame);
    const startFace = selectFace(faces[reportedFrame]!, decoded[reportedFrame]!, selection) ?? base.face;

    const consistency = await timed('consistency', () =>
      judgeConsistency(decoded, faces, { index: reportedFrame, face: startFace }, options.consistency ?? DEFAULT_CONSISTENCY_LIMITS),
    );
    const scores: (number | null)[] = [];
    for (let i = 0; i < decoded.length; i++) {
      const face = consistency.track[i];
      if (!face) {
        scores.push(null);
        continue;
      }
      const known = i === reportedFrame && sameBox(face, base.face) ? base.livenessEvidence : undefined;
      const evidence: FrameEvidence = await timed('evidence', () =>
        frameEvidence(this.engine.models, decoded[i]!, face, { crop4: usesWideCrop(this.head), crop27: known, packModels: this.packModels }),
      );
      scores.push(frameLiveProbability(this.head, evidence));
    }
    const score = aggregateFrameScores(scores.filter((s): s is number => s !== null));
    const mergedVersion = [headVersion(this.head), modelVersion(modelSpec('fr_liveness_embedding')), ...this.packModels.map(modelVersion)].join('+');
    const liveness = { score, probabilities: [score, 1 - score], models: [{ model: mergedVersion, score, probabilities: [score, 1 - score] }] };
    // The reported frame's framing decides whether the model can judge this capture at all (never pass a tight crop).
    const decision = decideLiveness(
      liveness,
      { threshold: options.threshold ?? this.head.threshold, borderline: this.engine.config.borderline },
      base.assessability,
    );
    // One frame has no motion to judge: several faces there are MULTIPLE_FACES, as at the faster level.
    const inconsistent = frames.length > 1 && consistency.reasons.length > 0;
    const quality = inconsistent
      ? {
          ...base.quality,
          status: 'INCONSISTENT_DETECTION' as const,
          failures: ['INCONSISTENT_DETECTION' as const, ...base.quality.failures],
        }
      : base.quality;
    const scale = decoded[reportedFrame]!.scale;
    return {
      ...base,
      liveness,
      decision,
      quality,
      modelVersion: mergedVersion,
      method: 'merged',
      frames: {
        count: frames.length,
        scores,
        aggregation: 'mean of the lower half of the frame scores',
        consistency: { ...consistency, track: consistency.track.map((f) => (f ? toBoundingBox(f, scale) : null)) },
        reportedFrame,
        head: headVersion(this.head),
      },
      frameTimings,
    };
  }
}

