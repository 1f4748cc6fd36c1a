import { type TSchema, Type } from '@sinclair/typebox';

/** A regex alternative matching `word` in any letter case (JSON Schema patterns have no `i` flag). */
const anyCase = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');

/** A string option: one of `words` in any case, surrounding spaces allowed; `""` means "not sent". */
export const wordsPattern = (words: readonly string[]) => `^(?:|\\s*(?:${words.map(anyCase).join('|')})\\s*)$`;

/** `yes`/`no` (also `true`/`false` and JSON booleans), any case; empty or null = no. */
export const YesNo = Type.Union([Type.Boolean(), Type.Null(), Type.String({ pattern: wordsPattern(['yes', 'no', 'true', 'false']) })], {
  description: 'yes or no',
});

export const oneOfWords = (words: readonly string[], extra: { default?: string } = {}) =>
  Type.Union([Type.Null(), Type.String({ pattern: wordsPattern(words) })], { description: `one of ${words.join(', ')}`, ...extra });

/**
 * A decimal from 0 to 1 as a JSON number or a string in plain decimal notation (`0.5`, `.5`, `1`,
 * `1.0`, surrounding spaces allowed). Not accepted: hex/binary/octal (`0x1`, `0b1`), exponents
 * (`1e0`), signs, `Infinity`, and a string of only spaces (once read as 0).
 */
export const DECIMAL_0_TO_1 = '^(?:|\\s*(?:0*1(?:\\.0*)?|0*\\.\\d+|0+(?:\\.\\d*)?)\\s*)$';
export const Threshold = Type.Union(
  [Type.Number({ minimum: 0, maximum: 1 }), Type.Null(), Type.String({ pattern: DECIMAL_0_TO_1 })],
  { description: 'a number from 0 to 1 in plain decimal notation (e.g. 0.5)' },
);

/** A base64 image or a data URL (`data:image/jpeg;base64,…`). */
export const Base64Image = Type.String({ description: 'a base64-encoded JPEG, PNG, WebP or BMP, or a data URL', minLength: 1 });

/** An https URL of an image, fetched only from public addresses (see docs/api.md "Image URLs"). */
export const ImageUrl = Type.String({ description: 'an https URL of a JPEG, PNG, WebP or BMP image on a public address', minLength: 1, maxLength: 2048 });

/** A file part of a multipart body. */
export const ImageFile = Type.String({ format: 'binary', contentMediaType: 'image/*', description: 'a JPEG, PNG, WebP or BMP file' });

/** Open objects: responses may grow fields, never rename them. */
export const Obj = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, description ? { description } : {});
