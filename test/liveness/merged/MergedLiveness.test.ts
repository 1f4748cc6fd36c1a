import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { summaryFor } from '../../../functions/commons/decisionRules.js';
import { LivenessEngine } from '../../../functions/liveness/engine.js';
import headJson from '../../../models/liveness_head.json' with { type: 'json' };
import { loadHead, MergedLiveness } from '../../../functions/liveness/merged/MergedLiveness.js';
import { frameEvidence } from '../../../functions/liveness/merged/evidence.js';
import { frameLiveProbability } from '../../../functions/liveness/merged/head.js';
import { decodeImage } from '../../../functions/liveness/stages/decode.js';
import { selectFace } from '../../../functions/liveness/stages/select.js';
import { softmax } from '../../../functions/liveness/stages/score.js';
import { sequenceFrames, skipReasonWithoutSequences } from '../../helpers/sequences.js';

const skip = skipReasonWithoutSequences('merged level on real sequences');

/** The same frame with its content moved right by `dx` pixels (edge pixels repeated): a face that jumps. */
async function shifted(jpeg: Buffer, dx: number): Promise<Buffer> {
  const { width, height } = await sharp(jpeg).metadata();
  // Two pipelines: within one, sharp extracts before it extends.
  const wider = await sharp(jpeg).extend({ left: dx, extendWith: 'copy' }).png().toBuffer();
  return sharp(wider).extract({ left: 0, top: 0, width: width!, height: height! }).jpeg({ quality: 95 }).toBuffer();
}

describe.skipIf(skip)('the merged level on real frame sequences (../shared/sequences)', () => {
  const engine = new LivenessEngine();
  const merged = new MergedLiveness(engine);
  let live: Buffer[];
  let spoof: Buffer[];

  beforeAll(() => {
    live = sequenceFrames('live/zubair-real-02');
    spoof = sequenceFrames('spoof/screen/zubair-fake-02');
  });

  it('scores every frame of a live burst, finds it consistent and reports the merged level', async () => {
    const a = await merged.checkFrames(live);
    expect(a.method).toBe('merged');
    expect(a.frames.count).toBe(4);
    expect(a.frames.scores.every((s) => s !== null && s > 0 && s < 1)).toBe(true);
    expect(a.frames.consistency.reasons).toEqual([]);
    expect(a.quality.status).not.toBe('INCONSISTENT_DETECTION');
    expect(a.frames.consistency.facesPerFrame).toEqual([1, 1, 1, 1]);
    expect(a.modelVersion).toMatch(/^liveness_head@1\.0\.0#[0-9a-f]{8}\+fr_liveness_embedding@/);
    expect(a.decision.score).toBe(a.liveness.score);
  });

  it('scores a screen replay burst below the live burst of the same scene', async () => {
    const [l, s] = [await merged.checkFrames(live), await merged.checkFrames(spoof)];
    expect(s.liveness.score).toBeLessThan(l.liveness.score);
    expect(s.decision.value).toBe('no');
  });

  it('lets one spoof frame among live ones pull the presentation down to the low frames', async () => {
    const alone = await merged.checkFrames(live.slice(0, 3));
    const mixed = await merged.checkFrames([...live.slice(0, 3), spoof[0]!]);
    const spoofFrame = mixed.frames.scores[3]!;
    expect(spoofFrame).toBeLessThan(Math.min(...(alone.frames.scores as number[])));
    // Lower-half mean of 4 frames: the spoof frame and the lowest live frame.
    const sorted = (mixed.frames.scores as number[]).slice().sort((a, b) => a - b);
    expect(mixed.liveness.score).toBeCloseTo((sorted[0]! + sorted[1]!) / 2, 10);
    expect(mixed.liveness.score).toBeLessThan(alone.liveness.score);
  });

  it('reports a still sent again as identical frames, INCONSISTENT_DETECTION, routed to manual review', async () => {
    const a = await merged.checkFrames([live[0]!, live[0]!, live[1]!]);
    expect(a.frames.consistency.identicalPairs).toEqual([[0, 1]]);
    expect(a.frames.consistency.reasons).toContain('IDENTICAL_FRAMES');
    expect(a.quality.status).toBe('INCONSISTENT_DETECTION');
    const summary = summaryFor(a, 'default');
    expect(summary.action).toBe('manualReview');
    expect(summary.details.map((d) => d.code)).toContain('311');
  });

  it('flags a face that jumps further than a hand-held capture moves, with the measurement', async () => {
    const jumped = await shifted(live[1]!, 300);
    const a = await merged.checkFrames([live[0]!, jumped]);
    expect(a.frames.consistency.reasons).toContain('FACE_JUMP');
    expect(a.frames.consistency.maxCentreShift).toBeGreaterThan(0.5);
    expect(a.quality.status).toBe('INCONSISTENT_DETECTION');
    expect(a.quality.failures[0]).toBe('INCONSISTENT_DETECTION');
  });

  it('flags a frame without a face, still judging the frames that have one', async () => {
    const blank = await sharp({ create: { width: 960, height: 540, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    const a = await merged.checkFrames([blank, live[0]!, live[1]!]);
    expect(a.frames.consistency.reasons).toContain('FRAME_WITHOUT_FACE');
    expect(a.frames.consistency.facesPerFrame[0]).toBe(0);
    expect(a.frames.scores[0]).toBeNull();
    expect(a.frames.reportedFrame).toBe(1);
    expect(a.quality.status).toBe('INCONSISTENT_DETECTION');
  });

  it('refuses frames of different sizes and more than 8 frames with their own codes', async () => {
    const tran = sequenceFrames('live/tran-real-01');
    await expect(merged.checkFrames([live[0]!, tran[0]!])).rejects.toMatchObject({ code: 'FRAME_SIZE_MISMATCH' });
    await expect(merged.checkFrames(Array.from({ length: 9 }, () => live[0]!))).rejects.toMatchObject({ code: 'TOO_MANY_FRAMES' });
    await expect(merged.checkFrames([live[0]!], { limits: { maxFrames: 8, maxFramePixels: 1000 } })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
    const blank = await sharp({ create: { width: 960, height: 540, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    await expect(merged.checkFrames([blank, blank])).rejects.toMatchObject({ code: 'FACE_NOT_DETECTED' });
  });

  it('leaves faster untouched: the derived model gives the logits of fr_liveness, so the same score', async () => {
    const decoded = await decodeImage(live[0]!);
    const face = selectFace(await engine.findFaces(decoded), decoded, 'CLOSEST_TO_CAMERA')!;
    const evidence = await frameEvidence(engine.models, decoded, face);
    const faster = await engine.check(live[0]!);
    expect(softmax(evidence.crop27.logits)[0]).toBeCloseTo(faster.liveness.score, 6);
    expect(evidence.crop27.embedding).toHaveLength(128);
    expect(evidence.crop4.logits).toHaveLength(3);
  });

  it("reuses the reported frame's scored crop: the same evidence and frame score as running it again, one run fewer", async () => {
    const withEvidence = await engine.check(live[0]!, { livenessEvidence: true });
    const plain = await engine.check(live[0]!);
    expect(withEvidence.liveness.score).toBeCloseTo(plain.liveness.score, 6);
    expect(plain.livenessEvidence).toBeUndefined();
    const fresh = await frameEvidence(engine.models, withEvidence.decoded, withEvidence.face);
    expect(withEvidence.livenessEvidence!.logits).toEqual(fresh.crop27.logits);
    expect(withEvidence.livenessEvidence!.embedding).toEqual(fresh.crop27.embedding);

    const runs: string[] = [];
    const counting = Object.create(engine.models, {
      run: { value: (id: string, data: Float32Array) => (runs.push(id), engine.models.run(id as never, data)) },
    }) as typeof engine.models;
    const a = await new MergedLiveness(new LivenessEngine(counting)).checkFrames([live[0]!]);
    // The 2.7x crop once (scored by check(), reused by the head), the 4x crop only if the head uses it.
    const wide = loadHead().featureSet.includes('crop4') ? 1 : 0;
    expect(runs.filter((id) => id.startsWith('fr_liveness'))).toHaveLength(1 + wide);
    expect(a.frames.scores[0]).toBeCloseTo(frameLiveProbability(loadHead(), fresh), 9);
  });
});

describe('the shipped head (models/liveness_head.json)', () => {
  it('matches its own sha256 and says what it was trained on and how it was validated', () => {
    const head = loadHead();
    expect(head.sha256).toMatch(/^[0-9a-f]{64}$/);
    const training = (headJson as unknown as { training: { trainingData: string[]; seed: number; sources: string[] } }).training;
    expect(training.trainingData.length).toBeGreaterThan(900);
    expect(training.sources.length).toBeGreaterThan(20);
    expect(typeof training.seed).toBe('number');
    expect((headJson as { validation: { merged: { meanWithinSourceAuc: number } } }).validation.merged.meanWithinSourceAuc).toBeGreaterThan(0.5);
  });

  it('is refused when a weight was changed', () => {
    const tampered = structuredClone(headJson) as unknown as Record<string, unknown> & { weights: number[] };
    tampered.weights[0] = tampered.weights[0]! + 1;
    expect(() => loadHead(tampered)).toThrow(/does not match its sha256/);
  });
});
