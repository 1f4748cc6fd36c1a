import { createHash } from 'node:crypto';

/**
 * A split of a labelled set into a calibration part and a report part, by GROUP (source, subject or
 * video), never per image: near-duplicate frames of one video must not sit on both sides.
 *
 * Spellings (reproducible, printed with the result):
 * - `source-hash:<salt>`: a group calibrates when the first byte of sha256("<salt>:<group>") is < 128.
 * - `groups:<g1>,<g2>,...`: exactly these groups calibrate; every other group reports.
 * (`loso`, the default of `liveness eval --calibrate`, is no two-sided split: see evaluate.ts.)
 */
export interface GroupSplit {
  readonly name: string;
  readonly rule: string;
  readonly calibrates: (group: string) => boolean;
}

export class SplitError extends Error {
  override readonly name = 'SplitError';
}

/** Leave-one-source-out on decided presentations, sources balanced (functions/evaluation/calibration.ts). */
export const LOSO_SPLIT = 'loso';
export const DEFAULT_SPLIT = LOSO_SPLIT;

export function parseSplit(spec: string): GroupSplit {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const value = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'source-hash') {
    const salt = value || '1';
    return {
      name: `source-hash:${salt}`,
      rule: `a group calibrates when sha256("${salt}:<group>") starts with a byte below 0x80`,
      calibrates: (group) => createHash('sha256').update(`${salt}:${group}`).digest()[0]! < 0x80,
    };
  }
  if (kind === 'groups') {
    const groups = new Set(
      value
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    );
    if (groups.size === 0) throw new SplitError('--split groups:<g1>,<g2>,... needs at least one group');
    return {
      name: `groups:${[...groups].join(',')}`,
      rule: `groups ${[...groups].join(', ')} calibrate; every other group reports`,
      calibrates: (group) => groups.has(group),
    };
  }
  throw new SplitError(`unknown split "${spec}": use source-hash:<salt> or groups:<g1>,<g2>,...`);
}

export interface SplitParts<T extends { readonly group: string }> {
  readonly calibration: T[];
  readonly report: T[];
  readonly calibrationGroups: string[];
  readonly reportGroups: string[];
}

export function splitByGroup<T extends { readonly group: string }>(items: readonly T[], split: GroupSplit): SplitParts<T> {
  const calibration = items.filter((item) => split.calibrates(item.group));
  const report = items.filter((item) => !split.calibrates(item.group));
  const groupsOf = (list: readonly T[]) => [...new Set(list.map((item) => item.group))].sort();
  return { calibration, report, calibrationGroups: groupsOf(calibration), reportGroups: groupsOf(report) };
}
