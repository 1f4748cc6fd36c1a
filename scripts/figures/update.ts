import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FigureContext } from './context.js';
import type { SharedFolder } from './figure.js';
import { GENERATED_FILES } from './generatedFiles.js';
import { figureBlocks, replaceFigure, unpairedMarkers } from './markers.js';
import { docPages } from './pages.js';
import { figureNamed } from './registry.js';

/** What became of one generated block or file. */
export interface FigureOutcome {
  readonly where: string;
  readonly name: string;
  readonly status: 'same' | 'changed' | 'skipped';
  /** Why it was skipped, or the committed and the produced text when they differ. */
  readonly reason?: string;
  readonly committed?: string;
  readonly produced?: string;
}

export interface UpdateOptions {
  /** Rewrite the pages and files (otherwise only compare). */
  readonly write: boolean;
  /** Only these figures (marker names) and generated files (paths). */
  readonly only?: readonly string[];
}

const missing = (context: FigureContext, needs: readonly SharedFolder[]) => needs.filter((n) => !context.has(n));

/**
 * Produces every generated table named on the pages (and the evaluation/ files they quote) and
 * compares it with what is committed; with `write`, puts the produced text in place.
 */
export async function updateFigures(context: FigureContext, options: UpdateOptions): Promise<FigureOutcome[]> {
  const outcomes: FigureOutcome[] = [];
  const wanted = (name: string) => !options.only || options.only.includes(name);
  for (const page of docPages(context.root)) {
    const path = join(context.root, page);
    let text = readFileSync(path, 'utf8');
    const unpaired = unpairedMarkers(text);
    if (unpaired.length > 0) throw new Error(`${page}: figure markers without their pair: ${unpaired.join(', ')}`);
    for (const block of figureBlocks(text)) {
      if (!wanted(block.name)) continue;
      const figure = figureNamed(block.name);
      if (!figure) throw new Error(`${page}: no figure is registered as "${block.name}" (scripts/figures/registry.ts)`);
      const absent = missing(context, figure.needs);
      if (absent.length > 0) {
        outcomes.push({ where: page, name: block.name, status: 'skipped', reason: `needs ${absent.map((a) => `../shared/${a}`).join(', ')}` });
        continue;
      }
      const produced = await figure.produce(context);
      const same = produced === block.body;
      outcomes.push({ where: page, name: block.name, status: same ? 'same' : 'changed', ...(same ? {} : { committed: block.body, produced }) });
      if (!same) text = replaceFigure(text, block.name, produced);
    }
    if (options.write) writeFileSync(path, text);
  }
  for (const file of GENERATED_FILES) {
    if (!wanted(file.path)) continue;
    const absent = missing(context, file.needs);
    if (absent.length > 0) {
      outcomes.push({ where: file.path, name: file.path, status: 'skipped', reason: `needs ${absent.map((a) => `../shared/${a}`).join(', ')}` });
      continue;
    }
    const path = join(context.root, file.path);
    const committed = readFileSync(path, 'utf8');
    const produced = await file.produce(context);
    const same = produced === committed;
    outcomes.push({ where: file.path, name: file.path, status: same ? 'same' : 'changed', ...(same ? {} : { committed, produced }) });
    if (!same && options.write) writeFileSync(path, produced);
  }
  return outcomes;
}
