import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, nextTransactionId, selfie640, send, startApiStack } from './apiStack.js';
import { sequenceFrames, skipReasonWithoutSequences } from '../helpers/sequences.js';

const skip = skipReasonWithoutSequences('POST /v1/checkLiveness with several frames');

/** A multipart form with the frames under the given field names, plus text fields. */
function framesForm(frames: readonly Buffer[], names: readonly string[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  frames.forEach((frame, i) => form.append(names[i]!, new Blob([frame], { type: 'image/jpeg' }), `f${i + 1}.jpg`));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

describe.skipIf(skip)('POST /v1/checkLiveness with several frames, over real HTTP on the local stack', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  let frames: Buffer[];
  const post = (body: FormData) =>
    send(`${api.stack.url}/v1/checkLiveness`, { method: 'POST', headers: { transactionId: nextTransactionId(), ...headers }, body });

  beforeAll(async () => {
    api = await startApiStack();
    headers = (await api.createApp('standard')).headers;
    frames = sequenceFrames('live/zubair-real-02');
  });
  afterAll(async () => api?.stop());

  it('answers livenessMethod=merged over image, image2, image3 with the per-frame evidence', async () => {
    const res = await post(framesForm(frames.slice(0, 3), ['image', 'image2', 'image3'], { livenessMethod: 'merged' }));
    expect(res.status).toBe(200);
    const { details, modelVersion, quality } = res.body.result;
    expect(details.livenessMethod).toMatchObject({ value: 'merged', framesSent: 3, framesUsed: 3, comparedWithFaster: { validated: true } });
    expect(details.frames.count).toBe(3);
    expect(details.frames.scores).toHaveLength(3);
    expect(details.frames.consistency).toMatchObject({ consistent: true, reasons: [], facesPerFrame: [1, 1, 1] });
    expect(details.frames.consistency.boundingBoxes).toHaveLength(3);
    expect(modelVersion).toMatch(/^liveness_head@/);
    expect(quality.status).not.toBe('INCONSISTENT_DETECTION');
  });

  it('reads repeated frames fields and JSON images[] alike, to the same answer', async () => {
    const viaForm = await post(framesForm(frames.slice(0, 2), ['frames', 'frames'], { livenessMethod: 'merged' }));
    const viaJson = await checkJson(api, headers, { livenessMethod: 'merged', images: frames.slice(0, 2).map((f) => f.toString('base64')) });
    expect(viaForm.status).toBe(200);
    expect(viaJson.status).toBe(200);
    expect(viaJson.body.result.details.liveFace).toEqual(viaForm.body.result.details.liveFace);
    expect(viaJson.body.result.details.frames.scores).toEqual(viaForm.body.result.details.frames.scores);
  });

  it('keeps faster on the first frame only, with the same score as a single image', async () => {
    const several = await post(framesForm(frames.slice(0, 3), ['image', 'image2', 'image3']));
    const single = await post(framesForm(frames.slice(0, 1), ['image']));
    expect(several.status).toBe(200);
    expect(several.body.result.details.livenessMethod).toEqual({ value: 'faster', framesSent: 3, framesUsed: 1 });
    expect(several.body.result.details.liveFace).toEqual(single.body.result.details.liveFace);
    expect(several.body.result.details.frames).toBeUndefined();
  });

  it('routes a still sent twice to manual review as INCONSISTENT_DETECTION', async () => {
    const res = await post(framesForm([frames[0]!, frames[0]!], ['image', 'image2'], { livenessMethod: 'merged' }));
    expect(res.status).toBe(200);
    expect(res.body.result.quality.status).toBe('INCONSISTENT_DETECTION');
    expect(res.body.result.details.frames.consistency.identicalFrames).toEqual([[1, 2]]);
    expect(res.body.result.summary.action).toBe('manualReview');
  });

  it('answers 400 with a precise reason for 9 frames and for frames of different sizes, never 500', async () => {
    const nine = await post(framesForm(Array.from({ length: 9 }, (_, i) => frames[i % 4]!), Array.from({ length: 9 }, () => 'frames'), { livenessMethod: 'merged' }));
    expect(nine.status).toBe(400);
    expect(nine.body.result.reason).toBe('TOO_MANY_FRAMES');
    const other = await selfie640(1);
    const mismatch = await post(framesForm([frames[0]!, other], ['image', 'image2'], { livenessMethod: 'merged' }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.result).toMatchObject({ reason: 'FRAME_SIZE_MISMATCH', error: 'Error while parsing request body' });
    expect(mismatch.body.result.message).toMatch(/frame 2 is 640x480/);
  });
});
