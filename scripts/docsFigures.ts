/**
 * `npm run docs:figures`: writes every generated accuracy and benchmark table of README.md and docs/
 * (between `<!-- figures:NAME -->` markers) and the evaluation/ text files they quote, from the same
 * calls `liveness eval` makes and the benches' recorded outputs. `-- --check` only compares (exit 1
 * on a difference); `-- --only a,b` limits it to those figures.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { FigureContext } from './figures/context.js';
import { updateFigures } from './figures/update.js';

const options = new Command('docs:figures')
  .option('--check', 'compare only; exit 1 when a committed figure differs')
  .option('--only <names>', 'comma-separated figure names or evaluation/ paths')
  .option('--shared <dir>', 'the labelled folders (default ../shared beside the repository)')
  .parse()
  .opts<{ check?: boolean; only?: string; shared?: string }>();

// The pages' figures are fr_liveness alone (as the test suite measures them) whether or not a pack is
// installed here; the pack's figures give its folder explicitly (scripts/figures/accuracy/fusion.ts).
process.env.LIVENESS_PACKS = 'none';
const root = resolve(import.meta.dirname, '..');
const context = new FigureContext(root, options.shared ? resolve(options.shared) : undefined);
const outcomes = await updateFigures(context, { write: !options.check, ...(options.only ? { only: options.only.split(',') } : {}) });
for (const o of outcomes) {
  const verb = o.status === 'changed' ? (options.check ? 'differs' : 'rewritten') : o.status;
  console.log(`${verb.padEnd(9)} ${o.where}  ${o.name}${o.reason ? `  (${o.reason})` : ''}`);
}
const changed = outcomes.filter((o) => o.status === 'changed');
if (options.check && changed.length > 0) {
  for (const o of changed) console.log(`\n${o.where} ${o.name}, committed:\n${o.committed}\nproduced:\n${o.produced}`);
  process.exitCode = 1;
}
