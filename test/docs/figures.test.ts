import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FigureContext } from '../../scripts/figures/context.js';
import { figureBlocks, replaceFigure, unpairedMarkers } from '../../scripts/figures/markers.js';
import { docPages } from '../../scripts/figures/pages.js';
import { FIGURES, figureNamed } from '../../scripts/figures/registry.js';
import { readRecordedBench, tableShape } from '../../scripts/figures/speed/recorded.js';
import { updateFigures } from '../../scripts/figures/update.js';

const root = resolve(import.meta.dirname, '../..');
const context = new FigureContext(root);
const blocks = docPages(root).flatMap((page) => figureBlocks(readFileSync(join(root, page), 'utf8')).map((b) => ({ page, ...b })));

/** A markdown table's header cells and first-column cells. */
function shapeOf(table: string): { columns: string[]; rows: string[] } {
  const cells = (line: string) => line.slice(1, -1).split(' | ').map((c) => c.trim().replace(/^-+$/, ''));
  const [header, , ...rows] = table.split('\n').filter((l) => l.startsWith('|'));
  return { columns: cells(header!), rows: rows.map((r) => cells(r)[0]!) };
}

describe('generated figures: the markers and the registry', () => {
  it('every page pairs its markers, and every marker names a registered figure', () => {
    for (const page of docPages(root)) expect(unpairedMarkers(readFileSync(join(root, page), 'utf8')), page).toEqual([]);
    expect(blocks.map((b) => b.name).filter((name) => !figureNamed(name))).toEqual([]);
  });

  it('every registered figure is on some page, under a unique name', () => {
    const onPages = new Set(blocks.map((b) => b.name));
    expect(FIGURES.map((f) => f.name).filter((name) => !onPages.has(name))).toEqual([]);
    expect(new Set(FIGURES.map((f) => f.name)).size).toBe(FIGURES.length);
  });

  it('replaces only the named block', () => {
    const page = 'a\n<!-- figures:x -->\nold\n<!-- /figures:x -->\n<!-- figures:y -->\nkeep\n<!-- /figures:y -->\n';
    const next = replaceFigure(page, 'x', 'new');
    expect(figureBlocks(next)).toEqual([{ name: 'x', body: 'new' }, { name: 'y', body: 'keep' }]);
  });

  it('reports a table changed by hand as differing from what its producer writes', async () => {
    // A copy of the pages in a scratch root, one table edited: the check must name it.
    const scratch = mkdtempSync(join(tmpdir(), 'figures-'));
    try {
      for (const path of ['README.md', 'docs', 'models/liveness_head.json', 'evaluation']) cpSync(join(root, path), join(scratch, path), { recursive: true });
      const merged = join(scratch, 'docs/merged.md');
      const text = readFileSync(merged, 'utf8');
      const block = figureBlocks(text).find((b) => b.name === 'merged-vs-faster')!;
      writeFileSync(merged, replaceFigure(text, block.name, block.body.replace(/0\.\d{3}/, '0.999')));
      const outcomes = await updateFigures(new FigureContext(scratch, join(scratch, 'no-shared')), { write: false, only: ['merged-vs-faster'] });
      expect(outcomes.map((o) => [o.name, o.status])).toEqual([['merged-vs-faster', 'changed']]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('speed tables keep the shape of the bench output they quote (never a timing)', () => {
  for (const figure of FIGURES.filter((f) => f.kind === 'speed')) {
    it(`${figure.name}: the columns and the named rows of ${figure.command}`, () => {
      const file = figure.command.replace('evaluation/bench/', '');
      const recorded = readRecordedBench(root, file).tables.find((t) => t.name === figure.name)!;
      for (const block of blocks.filter((b) => b.name === figure.name)) expect(shapeOf(block.body), block.page).toEqual(tableShape(recorded));
    });
  }
});

// Accuracy and size figures are recomputed exactly.
const exact = FIGURES.filter((f) => f.kind !== 'speed');

/** Compares the named figures (and files) with a fresh production; fails listing both versions of each that differs. */
async function expectCommittedFiguresCurrent(names: readonly string[]): Promise<void> {
  const outcomes = await updateFigures(context, { write: false, only: names });
  for (const o of outcomes.filter((x) => x.status === 'skipped')) console.warn(`[skip] ${o.where} ${o.name}: ${o.reason}`);
  const differing = outcomes.filter((o) => o.status === 'changed');
  for (const o of differing) console.log(`${o.where} ${o.name} differs; committed:\n${o.committed}\nproduced:\n${o.produced}`);
  expect(differing.map((o) => `${o.where}: ${o.name}`), 'run npm run docs:figures and commit the pages').toEqual([]);
  expect(outcomes.filter((o) => o.status === 'same').length).toBeGreaterThan(0);
}

describe('exact tables that need no labelled images', () => {
  it('are what the committed files produce (the head file\'s validation, the capture component\'s size)', async () => {
    await expectCommittedFiguresCurrent(exact.filter((f) => f.needs.length === 0).map((f) => f.name));
  });
});

const labelled = exact.filter((f) => f.needs.length > 0);
const missing = [...new Set(labelled.flatMap((f) => f.needs))].filter((n) => !context.has(n));
if (missing.length > 0) console.warn(`[skip] accuracy figures needing ${missing.map((n) => `../shared/${n}`).join(', ')}: absent (labelled images are not shipped)`);

describe.skipIf(!context.has('faces'))('accuracy tables are exactly what the committed code and models produce on ../shared', () => {
  it(
    'every accuracy table and the evaluation/ files they quote match a fresh run (npm run docs:figures rewrites them)',
    () => expectCommittedFiguresCurrent([...labelled.map((f) => f.name), 'evaluation/tradeoff.txt', 'evaluation/assessability.txt']),
    1_200_000,
  );
});
