import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SHARED_SEQUENCES, skipReasonWithoutSequences } from '../helpers/sequences.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'functions/cli/liveness.ts');

async function liveness(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [cli, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const skip = skipReasonWithoutSequences('liveness check --frames');
const frames = ['f01.jpg', 'f02.jpg', 'f03.jpg', 'f04.jpg'].map((f) => join(SHARED_SEQUENCES, 'live/zubair-real-02', f));

describe.skipIf(skip)('liveness check --frames (one presentation of several frames)', () => {
  it('judges the frames together with the merged level, in the API details shape', async () => {
    const { code, stdout } = await liveness('check', '--json', '--frames', ...frames);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.livenessMethod).toMatchObject({ value: 'merged', framesSent: 4, framesUsed: 4, comparedWithFaster: { validated: true } });
    expect(result.frames.scores).toHaveLength(4);
    expect(result.frames.consistency.reasons).toEqual([]);
    expect(result.modelVersion).toMatch(/^liveness_head@/);
  });

  it('with --method faster judges the first frame only, as `check` on that frame does', async () => {
    const [viaFrames, single] = await Promise.all([
      liveness('check', '--json', '--method', 'faster', '--frames', ...frames),
      liveness('check', '--json', frames[0]!),
    ]);
    const a = JSON.parse(viaFrames.stdout);
    const b = JSON.parse(single.stdout);
    expect(a.livenessMethod).toEqual({ value: 'faster', framesSent: 4, framesUsed: 1 });
    expect(a.liveFace).toEqual(b.liveFace);
  });

  it('refuses image arguments together with --frames, and no input at all', async () => {
    const both = await liveness('check', frames[0]!, '--frames', frames[1]!);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('either image files or --frames');
    const none = await liveness('check');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('give image files or --frames');
  });
});
