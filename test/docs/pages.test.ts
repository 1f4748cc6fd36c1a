import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docPages } from '../../scripts/figures/pages.js';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const read = (page: string) => readFileSync(join(root, page), 'utf8');
const pages = docPages(root);
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** The pages README.md must link: the topics, and the two other helpers' pages (stubs until they are merged). */
const TOPIC_PAGES = [
  'api', 'vendor-routes', 'capture', 'configuration', 'deployment', 'accuracy', 'benchmarks',
  'architecture', 'cli', 'decisions', 'merged', 'model-packs', 'security',
].map((name) => `docs/${name}.md`);

/** The ```sh blocks of a page. */
const shellBlocks = (text: string): string[] => [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

const anchorsOf = (text: string): Set<string> =>
  new Set(text.replace(/^```[\s\S]*?^```/gm, '').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, ''))));

/** Relative links of a page outside code blocks: [text](target). */
const relativeLinks = (text: string): string[] =>
  [...text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));

describe('the docs pages, as a newcomer follows them', () => {
  it('README.md links every topic page, and each exists', () => {
    const links = new Set(relativeLinks(read('README.md')).map((l) => l.split('#')[0]));
    for (const page of TOPIC_PAGES) {
      expect(links, `README.md links ${page}`).toContain(page);
      expect(existsSync(join(root, page)), page).toBe(true);
    }
  });

  it('keeps README.md a front door (at most ~300 lines)', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
  });

  it('every relative link of README.md and docs/ resolves, anchors included', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const link of relativeLinks(read(page))) {
        const [file, anchor] = link.split('#') as [string, string | undefined];
        const target = file === '' ? page : join(dirname(page), file);
        if (!existsSync(join(root, target))) broken.push(`${page}: ${link} (no ${target})`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor)) broken.push(`${page}: ${link} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every `npm run X` named on a page is a script of package.json', () => {
    const unknown: string[] = [];
    for (const page of pages) {
      for (const m of read(page).matchAll(/npm run (?:--silent )?([a-z][\w:.-]*)/g)) if (!(m[1]! in pkg.scripts)) unknown.push(`${page}: npm run ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('every `npx liveness X` named on a page is a command of the CLI', () => {
    const commands = new Set([...read('functions/cli/program.ts').matchAll(/\.command\('([a-z]+)'\)/g)].map((m) => m[1]!));
    expect(commands.size).toBeGreaterThan(0);
    const unknown: string[] = [];
    for (const page of pages) {
      for (const m of read(page).matchAll(/npx liveness ([a-z-]+)/g)) if (!commands.has(m[1]!) && m[1] !== '--help') unknown.push(`${page}: npx liveness ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('every shell variable a page uses is set on that page', () => {
    const unset: string[] = [];
    for (const page of pages) {
      const blocks = shellBlocks(read(page)).map((b) => b.replace(/'[^'\n]*'/g, "''")); // single quotes do not expand
      const code = blocks.join('\n');
      const set = new Set([
        ...[...code.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
        ...[...code.matchAll(/\bread\s+(?:-\w+\s+)*([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!),
      ]);
      for (const m of code.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) if (!set.has(m[1]!)) unset.push(`${page}: $${m[1]}`);
    }
    expect([...new Set(unset)]).toEqual([]);
  });
});

/** README's "One call": its terminal-1 settings and its terminal-2 block, run as written against the local stack. */
describe("README's one call, run as written", () => {
  const readme = read('README.md');
  const [serverBlock, clientBlock] = shellBlocks(readme).filter((b) => b.includes('terminal'));
  const env = Object.fromEntries([...serverBlock!.matchAll(/(LIVENESS_DEV_APP_\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, devApp: { appId: env.LIVENESS_DEV_APP_ID!, key: env.LIVENESS_DEV_APP_KEY! } });
  });
  afterAll(async () => stack?.stop());

  it('starts with the dev app it names, and the curl gets a liveness answer', async () => {
    expect(serverBlock).toContain('npm start');
    // Only the port differs: the test takes a free one rather than 3000.
    const script = clientBlock!.replaceAll('http://127.0.0.1:3000', stack!.url);
    const { stdout } = await run('sh', ['-c', script], { cwd: root });
    const body = JSON.parse(stdout) as { statusCode: number; result: { details: { liveFace: { value: string } }; summary: { action: string } } };
    expect(body.statusCode).toBe(200);
    expect(['yes', 'no']).toContain(body.result.details.liveFace.value);
    expect(['pass', 'fail', 'manualReview']).toContain(body.result.summary.action);
  });
});
