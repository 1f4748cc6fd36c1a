import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Figure, markdownTable } from '../figure.js';

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** What a page downloads for the `<liveness-capture>` element itself: its modules, whole and gzipped. */
export const captureComponentSize: Figure = {
  name: 'capture-component-size',
  kind: 'size',
  command: 'cat web/*.js | gzip -9 | wc -c',
  needs: [],
  async produce(context) {
    const dir = join(context.root, 'web');
    const modules = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
    const bytes = modules.map((f) => readFileSync(join(dir, f)));
    const all = Buffer.concat(bytes);
    return markdownTable(
      ['module', 'bytes'],
      [...modules.map((f, i) => [`\`web/${f}\``, bytes[i]!.length]), ['together', all.length], ['together, gzipped (level 9)', kB(gzipSync(all, { level: 9 }).length)]],
    );
  },
};
