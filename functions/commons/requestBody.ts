/**
 * Our own bounded request-body parsing (multipart/form-data and JSON), used by every route that
 * takes a body, on Lambda and locally alike. It walks the whole body once, synchronously: no
 * streams, so no stream error can fire outside the middleware chain, and every malformed part or
 * breached limit is an ApiError (400 with a reason code, 413 for size) at the first byte that
 * breaks it. Output has the shape of @middy/http-multipart-body-parser's: fields as strings, file
 * parts as `{content, filename, mimetype, encoding, truncated}`, repeated names as arrays (in the
 * order they were sent).
 */
import { ApiError } from './apiErrors.js';
import { DEFAULT_MAX_BODY_BYTES } from './config.js';

export interface BodyLimits {
  /** Whole body, in bytes (413 above). */
  readonly maxBodyBytes: number;
  /** Parts of a multipart body (fields + files). */
  readonly maxParts: number;
  readonly maxFiles: number;
  readonly maxFields: number;
  /** The header block of one part, in bytes. */
  readonly maxPartHeaderBytes: number;
  /** Header lines of one part. */
  readonly maxPartHeaders: number;
  /** Longest field or part name, in characters. */
  readonly maxNameLength: number;
  /** Parsing gives up past this many milliseconds (a cheap guard: the walk is linear). */
  readonly deadlineMs: number;
}

/** Up to 8 frames (`image`, `image2`…`image8` or repeated `frames`) plus every option of SPEC §3. */
export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxParts: 64,
  maxFiles: 8,
  maxFields: 56,
  maxPartHeaderBytes: 4096,
  maxPartHeaders: 8,
  maxNameLength: 128,
  deadlineMs: 2000,
};

export interface MultipartFile {
  readonly content: Buffer;
  readonly filename: string;
  readonly mimetype: string;
  readonly encoding: string;
  /** Always false: a part over a limit is refused, never cut. Kept for middy's shape. */
  readonly truncated: false;
}

export type BodyValue = string | MultipartFile;
export type MultipartBody = Record<string, BodyValue | BodyValue[]>;

const invalid = (reason: string, message: string) => new ApiError('PARSE_ERROR', reason, message);
const tooLarge = (limit: number) =>
  new ApiError('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `the request body exceeds ${limit} bytes`, { summary: 'IMAGE_TOO_LARGE' });

/** `type/subtype; k=v; k="quoted"` → lower-case essence and parameters (names lower-cased). */
export function parseHeaderValue(value: string): { essence: string; params: Record<string, string> } {
  const semi = value.indexOf(';');
  const essence = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = Object.create(null);
  let rest = semi < 0 ? '' : value.slice(semi + 1);
  const param = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*?))\s*(?:;|$)/;
  while (rest.trim().length > 0) {
    const m = param.exec(rest);
    if (!m) {
      // A parameter without `=` (or garbage): skip to the next `;`.
      const next = rest.indexOf(';');
      if (next < 0) break;
      rest = rest.slice(next + 1);
      continue;
    }
    const name = m[1]!.toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    if (!(name in params)) params[name] = raw;
    rest = rest.slice(m[0].length);
  }
  return { essence, params };
}

/** RFC 5987 `UTF-8''percent-encoded` (filename*), or undefined when it is not that. */
function extendedValue(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (!m || !/^utf-8$/i.test(m[1]!)) return undefined;
  try {
    return decodeURIComponent(m[2]!);
  } catch {
    return undefined;
  }
}

export type BodyKind = 'multipart' | 'json' | 'form';

/** What the liveness routes take; a route opts into `form` (application/x-www-form-urlencoded) itself. */
export const DEFAULT_BODY_KINDS: readonly BodyKind[] = ['multipart', 'json'];

/** Which parser a Content-Type selects (case-insensitive, parameters ignored), or undefined. */
export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  const { essence } = parseHeaderValue(contentType ?? '');
  if (essence === 'multipart/form-data') return 'multipart';
  if (/^application\/([\w.+-]+\+)?json$/.test(essence)) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// middy's convention: `name[]` / `name[3]` fields collect into an array under `name`.
const ARRAY_FIELD = /^(.+)\[(.*)\]$/;

function add(body: MultipartBody, name: string, value: BodyValue, forceArray = false) {
  const current = body[name];
  if (current === undefined) body[name] = forceArray ? [value] : value;
  else if (Array.isArray(current)) current.push(value);
  else body[name] = [current, value];
}

/**
 * A whole multipart/form-data body → fields and files, every limit checked as the walk reaches it.
 * Throws ApiError only.
 */
export function parseMultipart(raw: Buffer, contentType: string, limits: BodyLimits = DEFAULT_BODY_LIMITS): MultipartBody {
  const started = performance.now();
  if (raw.length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  const { essence, params } = parseHeaderValue(contentType);
  if (essence !== 'multipart/form-data') throw invalid('UNSUPPORTED_CONTENT_TYPE', 'send multipart/form-data or application/json');
  const boundary = params.boundary;
  if (!boundary || boundary.length > 70 || !/^[0-9A-Za-z'()+_,./:=? -]*[0-9A-Za-z'()+_,./:=?-]$/.test(boundary)) {
    throw invalid('INVALID_BOUNDARY', 'the multipart Content-Type needs a boundary of 1 to 70 allowed characters');
  }
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const nextDelimiter = Buffer.concat([CRLF, delimiter]);
  const body: MultipartBody = Object.create(null);
  let parts = 0;
  let files = 0;
  let fields = 0;

  // The first delimiter may follow a preamble (ignored), which must end with CRLF.
  let pos = raw.subarray(0, delimiter.length).equals(delimiter) ? 0 : raw.indexOf(nextDelimiter);
  if (pos < 0) throw invalid('INVALID_MULTIPART', 'the body contains no multipart boundary');
  pos += pos === 0 && raw[0] === 0x2d ? delimiter.length : nextDelimiter.length;

  for (;;) {
    if (performance.now() - started > limits.deadlineMs) throw invalid('PARSE_TIMEOUT', 'the multipart body took too long to parse');
    // After a delimiter: `--` closes the body (an epilogue is ignored), else transport padding + CRLF.
    if (raw[pos] === 0x2d && raw[pos + 1] === 0x2d) break;
    while (raw[pos] === 0x20 || raw[pos] === 0x09) pos++;
    if (pos >= raw.length - 1) throw invalid('MULTIPART_TRUNCATED', 'the multipart body ends without its closing boundary');
    if (raw[pos] !== 0x0d || raw[pos + 1] !== 0x0a) throw invalid('INVALID_MULTIPART', 'a multipart boundary is followed by unexpected bytes');
    pos += 2;

    if (++parts > limits.maxParts) throw invalid('TOO_MANY_PARTS', `at most ${limits.maxParts} multipart parts`);

    // Header block: up to the blank line, within maxPartHeaderBytes (a part may have no headers at all).
    let contentStart: number;
    let headerText: string;
    if (raw[pos] === 0x0d && raw[pos + 1] === 0x0a) {
      headerText = '';
      contentStart = pos + 2;
    } else {
      const window = raw.subarray(pos, pos + limits.maxPartHeaderBytes + HEADER_END.length);
      const end = window.indexOf(HEADER_END);
      if (end < 0) {
        if (window.length >= limits.maxPartHeaderBytes + HEADER_END.length) {
          throw invalid('PART_HEADERS_TOO_LARGE', `the headers of a multipart part exceed ${limits.maxPartHeaderBytes} bytes`);
        }
        throw invalid('MULTIPART_TRUNCATED', 'a multipart part ends inside its headers');
      }
      headerText = raw.subarray(pos, pos + end).toString('utf8');
      contentStart = pos + end + HEADER_END.length;
    }
    const headers = partHeaders(headerText, limits);

    const contentEnd = raw.indexOf(nextDelimiter, contentStart);
    if (contentEnd < 0) throw invalid('MULTIPART_TRUNCATED', 'a multipart part ends without its closing boundary');
    const content = raw.subarray(contentStart, contentEnd);
    pos = contentEnd + nextDelimiter.length;

    const disposition = headers['content-disposition'];
    if (disposition === undefined) throw invalid('MISSING_PART_NAME', 'a multipart part has no Content-Disposition header');
    const { essence: dispositionType, params: dp } = parseHeaderValue(disposition);
    if (dispositionType !== 'form-data') throw invalid('INVALID_MULTIPART', 'a multipart part is not form-data');
    const name = dp.name;
    if (name === undefined || name === '') throw invalid('MISSING_PART_NAME', 'a multipart part has no name');
    if (name.length > limits.maxNameLength) throw invalid('INVALID_PART_NAME', `a part name is longer than ${limits.maxNameLength} characters`);
    const filename = extendedValue(dp['filename*']) ?? dp.filename;
    const type = parseHeaderValue(headers['content-type'] ?? '').essence;
    if (filename !== undefined) {
      if (++files > limits.maxFiles) throw invalid('TOO_MANY_FILES', `at most ${limits.maxFiles} file parts`);
      add(body, name, {
        // A copy: the handler must not keep the whole body alive through a view.
        content: Buffer.from(content),
        filename,
        mimetype: type || 'application/octet-stream',
        encoding: (headers['content-transfer-encoding'] ?? '7bit').trim().toLowerCase(),
        truncated: false,
      });
    } else {
      if (++fields > limits.maxFields) throw invalid('TOO_MANY_FIELDS', `at most ${limits.maxFields} fields`);
      const value = content.toString('utf8');
      const array = ARRAY_FIELD.exec(name);
      if (array) add(body, array[1]!, value, true);
      else add(body, name, value);
    }
  }
  return body;
}

/** The header lines of one part → lower-case names to values (decoded as UTF-8). */
function partHeaders(text: string, limits: BodyLimits): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  if (text === '') return headers;
  const lines = text.split('\r\n');
  let count = 0;
  let last: string | undefined;
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      headers[last] += ` ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!TOKEN.test(name)) throw invalid('INVALID_PART_HEADER', 'a multipart part has a malformed header line');
    if (++count > limits.maxPartHeaders) throw invalid('TOO_MANY_PART_HEADERS', `at most ${limits.maxPartHeaders} headers per part`);
    headers[name] ??= line.slice(colon + 1).trim();
    last = name;
  }
  return headers;
}

/** A JSON body (UTF-8, optional BOM) → its value. Throws ApiError only. */
export function parseJson(raw: Buffer, limits: BodyLimits = DEFAULT_BODY_LIMITS): unknown {
  if (raw.length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('INVALID_JSON', 'the request body is not valid JSON');
  }
}

/** An application/x-www-form-urlencoded body → its fields (repeated names as arrays), within the field limits. */
export function parseForm(raw: Buffer, limits: BodyLimits = DEFAULT_BODY_LIMITS): MultipartBody {
  if (raw.length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  const body: MultipartBody = Object.create(null);
  let fields = 0;
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
    if (++fields > limits.maxFields) throw invalid('TOO_MANY_FIELDS', `at most ${limits.maxFields} fields`);
    if (name.length === 0 || name.length > limits.maxNameLength) throw invalid('INVALID_FIELD_NAME', `field names must be 1 to ${limits.maxNameLength} characters`);
    add(body, name, value);
  }
  return body;
}

/** Size of an API Gateway body in bytes, computed without decoding it. */
export const eventBodyBytes = (body: string, base64: boolean) =>
  base64 ? Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) : Buffer.byteLength(body);

/**
 * An API Gateway proxy body (text or base64) and its Content-Type → the parsed body: 413 over the
 * limit before decoding, 400 EMPTY_BODY / UNSUPPORTED_CONTENT_TYPE / a parser's reason otherwise.
 */
export function parseEventBody(
  event: { readonly body: string | null | undefined; readonly isBase64Encoded?: boolean },
  contentType: string | undefined,
  limits: BodyLimits = DEFAULT_BODY_LIMITS,
  accepts: readonly BodyKind[] = DEFAULT_BODY_KINDS,
): unknown {
  const text = event.body ?? '';
  if (eventBodyBytes(text, event.isBase64Encoded === true) > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  if (text.length === 0) throw invalid('EMPTY_BODY', 'the request body is empty');
  const kind = bodyKind(contentType);
  if (!kind || !accepts.includes(kind)) throw invalid('UNSUPPORTED_CONTENT_TYPE', `send ${accepts.map((k) => CONTENT_TYPES[k]).join(' or ')}`);
  const raw = Buffer.from(text, event.isBase64Encoded ? 'base64' : 'utf8');
  if (kind === 'form') return parseForm(raw, limits);
  return kind === 'multipart' ? parseMultipart(raw, contentType!, limits) : parseJson(raw, limits);
}
const CONTENT_TYPES: Readonly<Record<BodyKind, string>> = { multipart: 'multipart/form-data', json: 'application/json', form: 'application/x-www-form-urlencoded' };
