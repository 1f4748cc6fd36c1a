import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkJson, startApiStack } from './apiStack.js';
import { sequenceFrames, skipReasonWithoutSequences } from '../helpers/sequences.js';

// Its own file: the handlers read the environment once per process (one stack per test file).
const skip = skipReasonWithoutSequences('frame limits of POST /v1/checkLiveness');

describe.skipIf(skip)('frame limits from the environment', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  beforeAll(async () => {
    api = await startApiStack({ LIVENESS_MAX_FRAMES: '2', LIVENESS_MAX_FRAME_PIXELS: '100000' });
    headers = (await api.createApp('standard')).headers;
  });
  afterAll(async () => api?.stop());

  it('applies LIVENESS_MAX_FRAMES and LIVENESS_MAX_FRAME_PIXELS', async () => {
    const frames = sequenceFrames('live/zubair-real-02');
    const three = await checkJson(api, headers, { livenessMethod: 'merged', images: frames.slice(0, 3).map((f) => f.toString('base64')) });
    expect(three.status).toBe(400);
    expect(three.body.result.reason).toBe('TOO_MANY_FRAMES');
    const large = await checkJson(api, headers, { livenessMethod: 'merged', images: frames.slice(0, 2).map((f) => f.toString('base64')) });
    expect(large.status).toBe(413);
    expect(large.body.result.reason).toBe('IMAGE_TOO_LARGE');
  });
});
