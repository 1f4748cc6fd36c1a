import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, checkMultipart, startApiStack } from '../api/apiStack.js';
import { SHARED_FACES, skipReasonWithoutFaces } from '../helpers/faces.js';
import { liveness } from '../helpers/cli.js';

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));

const skip = skipReasonWithoutFaces('liveness check answers at both levels');
// A genuine selfie framed too tightly for the model (not assessable: no room around the face).
const tight = join(SHARED_FACES, 'live/CHELSEA234__Multi-domain-learning-FAS__Live_Test_Live_678.png');
// Genuine selfies whose head pose fails the full quality status (one on yaw, one on pitch).
const turned = ['live/Apfol__liveness-detection-opencv__real-168.png', 'live/CHELSEA234__Multi-domain-learning-FAS__Live_Test_Live_668.png'].map(
  (file) => join(SHARED_FACES, file),
);

describe.skipIf(skip)('liveness check answers the same way at both levels', () => {
  let api: ApiStack;
  let headers: Record<string, string>;
  beforeAll(async () => {
    api = await startApiStack();
    headers = (await api.createApp('standard')).headers;
  });
  afterAll(async () => api?.stop());

  it('faster and merged --json carry the same fields, summary included, and the summary is the API\'s', async () => {
    const [faster] = jsonLines((await liveness('check', '--json', tight)).stdout);
    const [merged] = jsonLines((await liveness('check', '--json', '--method', 'merged', tight)).stdout);
    // `frames` is the merged level's own evidence, as in the API's answer.
    expect(Object.keys(merged).sort()).toEqual([...Object.keys(faster), 'frames'].sort());
    expect(faster.file).toBe(tight);
    expect(merged.file).toBe(tight);
    expect(faster.livenessMethod).toEqual({ value: 'faster', framesSent: 1, framesUsed: 1 });
    expect(merged.livenessMethod).toMatchObject({ value: 'merged', framesSent: 1, framesUsed: 1 });
    for (const [answer, method] of [[faster, 'faster'], [merged, 'merged']] as const) {
      const res = await checkMultipart(api, headers, readFileSync(tight), { livenessMethod: method });
      expect(res.status).toBe(200);
      expect(answer.summary).toEqual(res.body.result.summary);
      expect(answer.liveFace).toEqual(res.body.result.details.liveFace);
      expect(answer.summary.action).toBe('manualReview');
    }
  });

  it('every plain-text line of a face the model cannot judge says assessable=no, the figure behind it and the action', async () => {
    const lines = [
      (await liveness('check', tight)).stdout,
      (await liveness('check', '--method', 'merged', tight)).stdout,
      (await liveness('check', '--frames', tight, tight)).stdout,
    ];
    for (const line of lines) {
      expect(line).toMatch(/live=no score=\d\.\d{3} confidence=low assessable=no reason=FACE_WITHOUT_PADDING cropScale=\d\.\d\d\/2\.7 /);
      expect(line).toMatch(/FACE_WITHOUT_PADDING\(cropScale=\d\.\d+<min1\.8\)/);
      expect(line).toContain("action=manualReview (205 Hold the phone at arm's length");
    }
    expect(lines[0]).toContain('method=faster frames=1/1');
    expect(lines[2]).toContain('method=merged frames=2/2');
  });

  it('--quality full cites the pose and its limits, and headTurned agrees with them', async () => {
    const { stdout } = await liveness('check', '--json', '--quality', 'full', '--quality-checks', 'headTurned', ...turned);
    for (const answer of jsonLines(stdout)) {
      const angle = answer.qualityReasons.find((r: { status: string }) => r.status === 'FACE_ANGLE_TOO_LARGE');
      expect(angle, answer.file).toBeDefined();
      expect(angle.measures.map((m: { name: string }) => m.name).sort()).toEqual(['pitch', 'roll', 'yaw']);
      for (const m of angle.measures) expect(m.failed).toBe(Math.abs(m.value) > m.limit);
      const turnedBeyond = angle.measures.some((m: { name: string; failed: boolean }) => m.failed && m.name !== 'roll');
      expect(answer.qualityChecks.headTurned.value).toBe(turnedBeyond ? 'yes' : 'no');
    }
    const text = (await liveness('check', '--quality', 'full', turned[0]!)).stdout;
    expect(text).toMatch(/FACE_ANGLE_TOO_LARGE\((yaw|pitch)=-?[\d.]+>max25, \w+=-?[\d.]+ within max25, \w+=-?[\d.]+ within max25\)/);
    expect(text).toContain('309 Head is turned or tilted too far');
  });
});
