import { describe, expect, it } from 'vitest';
import { appIdOfKey, generateAppKey, hashAppKey, isValidAppId, keyMatchesHash } from '../../functions/commons/keys.js';

describe('app keys', () => {
  it('generates 256-bit keys that name their app, different every time', () => {
    const a = generateAppKey('acme-bank');
    const b = generateAppKey('acme-bank');
    expect(a).toMatch(/^acme-bank\.[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(appIdOfKey(a)).toBe('acme-bank');
  });

  it('stores a sha256 hash that matches only its key', () => {
    const key = generateAppKey('acme-bank');
    const hash = hashAppKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.split('.')[1]);
    expect(keyMatchesHash(key, hash)).toBe(true);
    expect(keyMatchesHash(`${key}x`, hash)).toBe(false);
    expect(keyMatchesHash(generateAppKey('acme-bank'), hash)).toBe(false);
    expect(keyMatchesHash(key, 'abcd')).toBe(false);
  });

  it('refuses app ids that could break key parsing or table keys', () => {
    for (const bad of ['ab', 'has.dot', 'has#hash', 'x'.repeat(65), 'spa ce']) expect(isValidAppId(bad)).toBe(false);
    expect(() => generateAppKey('has.dot')).toThrow(/invalid app id/);
    expect(appIdOfKey('nodot')).toBeUndefined();
    expect(appIdOfKey('.leading')).toBeUndefined();
  });
});
