// How lit a face is, measured as the server's quality stage measures it (functions/liveness/quality/
// imageStatistics.ts) and judged by the same numbers (illumination.json beside this file): the face's
// highlights, shadows, clipped share and left/right difference, never its mean, so darker skin in good
// light is not called too dark. test/web/illumination.test.ts holds the two in agreement.

/** Face luma (0..255) area-averaged onto a size x size grid, from RGBA pixels of exactly that size. */
export function lumaGrid(rgba, size) {
  const grid = new Float32Array(size * size);
  for (let g = 0; g < grid.length; g++) {
    grid[g] = 0.299 * rgba[4 * g] + 0.587 * rgba[4 * g + 1] + 0.114 * rgba[4 * g + 2];
  }
  return grid;
}

/** The luma below which a share `p` of the grid's cells lie. */
function percentile(histogram, total, p) {
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v];
    if (seen >= p * total) return v;
  }
  return 255;
}

/** Highlights and shadows (0..100), clipped shares (0..1) and left/right unevenness (0..100) of a face luma grid. */
export function faceIllumination(grid, criteria) {
  const size = criteria.grid;
  const histogram = new Uint32Array(256);
  let sum = 0;
  let leftHalf = 0;
  let dark = 0;
  let bright = 0;
  for (let g = 0; g < grid.length; g++) {
    const v = grid[g];
    sum += v;
    histogram[(v + 0.5) | 0]++;
    if (g % size < size / 2) leftHalf += v;
    if (v <= criteria.darkClip) dark++;
    if (v >= criteria.brightClip) bright++;
  }
  const half = grid.length / 2;
  return {
    highlights: (100 * percentile(histogram, grid.length, criteria.highlightsPercentile)) / 255,
    shadows: (100 * percentile(histogram, grid.length, criteria.shadowsPercentile)) / 255,
    underExposed: dark / grid.length,
    overExposed: bright / grid.length,
    unevenness: (100 * Math.abs(leftHalf / half - (sum - leftHalf) / half)) / 255,
  };
}

/** 'too-dark', 'too-bright', 'uneven-light' or undefined (lit well enough), by the server's ILLUMINATION_ERROR rules. */
export function illuminationProblem(measured, criteria) {
  if (measured.highlights < criteria.minHighlights || measured.underExposed > criteria.maxClipped) return 'too-dark';
  if (measured.shadows > criteria.maxShadows || measured.overExposed > criteria.maxClipped) return 'too-bright';
  if (measured.unevenness > criteria.maxUnevenness) return 'uneven-light';
  return undefined;
}

/** The criteria served beside this module (one source of truth with the server). */
export async function loadIlluminationCriteria(url = new URL('./illumination.json', import.meta.url).href) {
  const response = await fetch(url, { credentials: 'omit' });
  if (!response.ok) throw new Error(`illumination criteria: HTTP ${response.status}`);
  return Object.freeze(await response.json());
}
