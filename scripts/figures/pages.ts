import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The pages that may hold generated figures: README.md and every docs/*.md, relative to the root. */
export function docPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ['README.md', ...docs];
}
