import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { samplePhotos } from '../helpers/faces.js';

const root = resolve(import.meta.dirname, '../..');
const recorder = join(root, 'test/helpers/moduleRecorder.mjs');
const built = join(root, 'dist/functions/cli/liveness.js');
// The source through tsx (what the other CLI tests run) and, when built, the bin users run.
const entries: [string, string[]][] = [
  ['source (tsx)', ['--import', 'tsx', join(root, 'functions/cli/liveness.ts')]],
  ...(existsSync(built) ? ([['built bin', [built]]] as [string, string[]][]) : []),
];

/** Every module a real `liveness check` process loads, ES and CommonJS, as paths or URLs. */
async function modulesLoadedBy(entry: string[], ...args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const record = join(mkdtempSync(join(tmpdir(), 'liveness-modules-')), 'modules.txt');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', recorder, ...entry, ...args], {
    cwd: root,
    env: { ...process.env, MODULE_RECORD: record },
  });
  return { modules: readFileSync(record, 'utf8').split('\n').filter(Boolean), stdout };
}

describe('liveness check start-up', () => {
  it.each(entries)('%s loads the models and decoder it uses, and neither the AWS SDK, middy, Powertools nor eval/train code', async (_, entry) => {
    const { modules, stdout } = await modulesLoadedBy(entry, 'check', ...samplePhotos.slice(0, 3));
    expect(stdout.trim().split('\n')).toHaveLength(3);
    // The recorder sees what the check needs (else an empty record would pass).
    for (const used of ['/node_modules/onnxruntime-node/', '/node_modules/sharp/', '/node_modules/commander/', '/functions/liveness/engine.']) {
      expect(modules.some((m) => m.includes(used)), used).toBe(true);
    }
    // The help's constants (calibrationMinimum, featureCache) are modules of their own so that only they load.
    const helpConstants = /\/functions\/(evaluation\/calibrationMinimum|training\/featureCache)\./;
    for (const unused of ['/node_modules/@aws-sdk/', '/node_modules/@middy/', '/node_modules/@aws-lambda-powertools/', '/functions/evaluation/', '/functions/training/', '/functions/liveness/merged/']) {
      expect(modules.filter((m) => m.includes(unused) && !helpConstants.test(m)), unused).toEqual([]);
    }
  });
});
