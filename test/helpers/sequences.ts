import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The labelled frame sequences beside the project (never committed); tests skip with a printed reason without them. */
export const SHARED_SEQUENCES = resolve(import.meta.dirname, '../../../shared/sequences');
export const hasSharedSequences = existsSync(join(SHARED_SEQUENCES, 'MANIFEST.tsv'));

export function skipReasonWithoutSequences(suite: string): boolean {
  if (!hasSharedSequences) console.warn(`[skip] ${suite}: ${SHARED_SEQUENCES} is absent (labelled sequences are not shipped)`);
  return !hasSharedSequences;
}

/** The frames of one sequence folder (e.g. "live/zubair-real-02"), in time order. */
export const sequenceFrames = (seq: string): Buffer[] =>
  readdirSync(join(SHARED_SEQUENCES, seq))
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => readFileSync(join(SHARED_SEQUENCES, seq, f)));
