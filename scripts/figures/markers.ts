/** A generated block of a page: the text between its two markers. */
export interface FigureBlock {
  readonly name: string;
  readonly body: string;
}

const BLOCK = /<!-- figures:([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/figures:\1 -->/g;

/** Every generated block of a page, in order. */
export function figureBlocks(page: string): FigureBlock[] {
  return [...page.matchAll(BLOCK)].map((m) => ({ name: m[1]!, body: m[2]!.replace(/\n$/, '') }));
}

/** Marker names that open without closing (or close without opening): a page the generator cannot rewrite. */
export function unpairedMarkers(page: string): string[] {
  const opened = [...page.matchAll(/<!-- figures:([a-z0-9-]+) -->/g)].map((m) => m[1]!);
  const paired = new Set(figureBlocks(page).map((b) => b.name));
  const closed = [...page.matchAll(/<!-- \/figures:([a-z0-9-]+) -->/g)].map((m) => m[1]!);
  return [...new Set([...opened, ...closed])].filter((name) => !paired.has(name));
}

/** The page with the named block's body replaced (every occurrence). */
export function replaceFigure(page: string, name: string, body: string): string {
  return page.replaceAll(new RegExp(`<!-- figures:${name} -->\\n[\\s\\S]*?<!-- /figures:${name} -->`, 'g'), () => `<!-- figures:${name} -->\n${body}\n<!-- /figures:${name} -->`);
}
