import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { FEATURE_SETS, type FeatureSetName } from '../liveness/merged/evidence.js';
import { extractFeatures } from './features.js';
import { DEFAULT_TRAIN_OPTIONS, headChecksum, trainHead } from './train.js';

export interface TrainFlags {
  readonly out: string;
  readonly cache?: string;
  readonly seed: number;
  /** The silent-face pack's files: its models' scores join the evidence, and the head may use them. */
  readonly packDir?: string;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** `liveness train <dir...>`: extract evidence, choose by leave-one-source-out, write the head. */
export async function trainCommand(dirs: readonly string[], flags: TrainFlags): Promise<number> {
  const packs = flags.packDir ? [{ name: 'silent-face', dir: flags.packDir }] : [];
  const { samples, skipped } = await extractFeatures(dirs, {
    packs,
    ...(flags.cache ? { cacheFile: flags.cache } : {}),
    onProgress: (done, total) => {
      if (done % 100 === 0 || done === total) process.stderr.write(`evidence ${done}/${total}\n`);
    },
  });
  const sources = new Set(samples.map((s) => s.group)).size;
  console.log(`${samples.length} images with a face from ${sources} sources (${skipped.length} without a face, not used)`);
  const options = flags.packDir
    ? { ...DEFAULT_TRAIN_OPTIONS, id: 'liveness_head_silent_face', featureSets: Object.keys(FEATURE_SETS) as FeatureSetName[] }
    : DEFAULT_TRAIN_OPTIONS;
  const { head } = trainHead(samples, { ...options, seed: flags.seed }, (row) =>
    console.log(
      `  ${row.featureSet.padEnd(30)} lambda ${String(row.lambda).padEnd(6)} mean within-source AUC ${row.meanWithinSourceAuc.toFixed(3)}  pooled AUC ${row.pooledAuc.toFixed(3)}`,
    ),
  );
  const { merged, faster } = head.validation as { merged: import('./train.js').ValidationFigures; faster: import('./train.js').ValidationFigures };
  console.log(`chosen: ${head.featureSet}, lambda ${(head.training as { lambda: number }).lambda}`);
  for (const [name, f] of [['faster', faster], ['merged', merged]] as const) {
    console.log(
      `  ${name.padEnd(7)} mean within-source AUC ${f.meanWithinSourceAuc.toFixed(3)}  pooled AUC ${f.pooledAuc.toFixed(3)}  ` +
        `APCER ${pct(f.apcer)}  BPCER ${pct(f.bpcer)} at ${f.threshold}`,
    );
  }
  const withSum = { ...head, sha256: headChecksum(head) };
  // Number arrays on one line each: the file stays readable and diffs stay small.
  const text = JSON.stringify(withSum, null, 1).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_m, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
  const bytes = `${text}\n`;
  await writeFile(flags.out, bytes);
  // Two different checksums, both named: the file's bytes (sha256sum) and the head's own field.
  console.log(`wrote ${flags.out}: sha256 of the file ${createHash('sha256').update(bytes).digest('hex')}`);
  console.log(`  its "sha256" field (the head's content without that field, checked when the head loads): ${withSum.sha256}`);
  console.log(`  evidence sha256 (model outputs of the ${samples.length} images): ${(head.training as { evidenceSha256: string }).evidenceSha256}`);
  return 0;
}
