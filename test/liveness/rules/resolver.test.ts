import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, RulesResolver, SHIPPED_RULES, summarize, type SummaryInput } from '../../../functions/liveness/rules/index.js';

const borderline: SummaryInput = { decision: { value: 'yes', confidence: 'low', score: 0.62 }, faces: [{}] };

describe('rules resolver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships a versioned default and a strict document', () => {
    expect(DEFAULT_RULES.name).toBe('default');
    expect(DEFAULT_RULES.version).toMatch(/\S/);
    expect(SHIPPED_RULES.map((d) => d.name)).toEqual(['default', 'strict']);
  });

  it('prefers the app override, then the plan rules, then the default', () => {
    const resolver = new RulesResolver();
    expect(resolver.resolve({}).name).toBe('default');
    expect(resolver.resolve({ plan: 'strict' }).name).toBe('strict');
    expect(resolver.resolve({ app: 'default', plan: 'strict' }).name).toBe('default');
  });

  it('the strict plan fails what the default sends to review', () => {
    const resolver = new RulesResolver();
    expect(summarize(borderline, resolver.resolve({})).action).toBe('manualReview');
    expect(summarize(borderline, resolver.resolve({ plan: 'strict' })).action).toBe('fail');
  });

  it('loads override documents from a directory: an app rule changes the action with no code change', () => {
    writeFileSync(
      join(dir, 'acme.json'),
      JSON.stringify({ name: 'acme', version: '2026-11-01', defaultAction: 'pass', rules: [{ when: { liveness: 'borderlineLive' }, action: 'pass', reason: 'BORDERLINE_LIVE' }] }),
    );
    const resolver = RulesResolver.withDirectory(dir);
    expect(resolver.names()).toEqual(['acme', 'default', 'strict']);
    expect(summarize(borderline, resolver.resolve({ app: 'acme', plan: 'default' })).action).toBe('pass');
  });

  it('refuses an unknown name rather than silently using the default', () => {
    expect(() => new RulesResolver().resolve({ plan: 'gold' })).toThrow(/unknown rules document "gold"/);
  });

  it('names the file of a malformed document', () => {
    const bad = mkdtempSync(join(tmpdir(), 'rules-bad-'));
    writeFileSync(join(bad, 'broken.json'), '{"name": "broken", "version": "1", "defaultAction": "pass", "rules": [{}]}');
    expect(() => RulesResolver.withDirectory(bad)).toThrow(/broken\.json.*rules\[0\]/);
    rmSync(bad, { recursive: true, force: true });
  });
});
