import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, markdownTable } from '../figure.js';

/** One table of a bench's recorded output (evaluation/bench/<bench>.json). */
export interface RecordedTable {
  readonly name: string;
  readonly recorded: string;
  readonly conditions: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

interface RecordedBench {
  readonly script: string;
  readonly tables: readonly RecordedTable[];
}

export function readRecordedBench(root: string, file: string): RecordedBench {
  return JSON.parse(readFileSync(join(root, 'evaluation/bench', file), 'utf8')) as RecordedBench;
}

/** The table's shape a page must keep: its columns and the name of each row (never a timing). */
export function tableShape(table: Pick<RecordedTable, 'columns' | 'rows'>): { columns: readonly string[]; rows: readonly string[] } {
  return { columns: table.columns, rows: table.rows.map((row) => row[0] ?? '') };
}

/** A speed figure: the named table of a bench's recorded JSON, as markdown. */
export function recordedFigure(file: string, name: string): Figure {
  return {
    name,
    kind: 'speed',
    command: `evaluation/bench/${file}`,
    needs: [],
    async produce(context) {
      const bench = readRecordedBench(context.root, file);
      const table = bench.tables.find((t) => t.name === name);
      if (!table) throw new Error(`evaluation/bench/${file} has no table ${name}`);
      return markdownTable(table.columns, table.rows);
    },
  };
}
