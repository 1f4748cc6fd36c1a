import type { FigureContext } from './context.js';

/** A folder of ../shared a figure is measured on (labelled images, or the silent-face pack's files). */
export type SharedFolder = 'faces' | 'train-faces' | 'sequences' | 'models/silent-face';

/**
 * One generated table of the docs, written between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`.
 * Accuracy figures are recomputed from the committed code and models (a test holds the pages to them
 * exactly); speed figures are rendered from recorded bench outputs (a test checks only their shape).
 */
export interface Figure {
  readonly name: string;
  /** accuracy and size: recomputed exactly in the test; speed: recorded, only its shape is checked. */
  readonly kind: 'accuracy' | 'size' | 'speed';
  /** What a reader runs to see the same figures. */
  readonly command: string;
  /** The ../shared folders it reads; without them the committed table is left as it is. */
  readonly needs: readonly SharedFolder[];
  readonly produce: (context: FigureContext) => Promise<string>;
}

const cell = (value: string | number): string => String(value).replaceAll('|', '\\|');

/** A GitHub-flavoured markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (row: readonly (string | number)[]) => `| ${row.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A rate as the eval command prints it (one decimal, `-` when undefined). */
export const rate = (v: number | null): string => (v === null || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(1)}%`);

/** An AUC or other ratio with three decimals (`-` when undefined). */
export const ratio = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(3));

/** `n of total`, as the eval command words it. */
export const ofTotal = (n: number, total: number): string => `${n} of ${total}`;
