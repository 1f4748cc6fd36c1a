import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { ApiError } from './apiErrors.js';

/**
 * Fetching a caller's image URL (`imageUrl`, Deepvue's `url`) without becoming a proxy into our
 * network: https only, every resolved address public, the connection pinned to the address that was
 * checked (no second DNS answer), each redirect re-checked, size, connect and total time capped, and
 * the bytes sniffed as an image.
 */
export interface ImageUrlPolicy {
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly connectTimeoutMs: number;
  readonly totalTimeoutMs: number;
  /** TEST ONLY: address ranges (CIDR) fetched although they are not public, e.g. a local test server. */
  readonly testAllowRanges?: readonly string[];
  /** TEST ONLY: an extra CA (PEM) trusted besides the system roots, for a self-signed test server. */
  readonly testCa?: string;
  /** Plain http (off unless set in code). */
  readonly allowHttp?: boolean;
  /** Name resolution; every answer is checked. Injected in tests to prove names resolving inward are refused. */
  readonly lookup?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
}

/** Environment of the test-only settings (never set in a deployment; the CDK stack does not pass them). */
export const IMAGE_URL_ENV = {
  testAllowRanges: 'LIVENESS_IMAGE_URL_TEST_ALLOW',
  testCa: 'LIVENESS_IMAGE_URL_TEST_CA',
} as const;

export function imageUrlPolicy(maxBytes: number, env: NodeJS.ProcessEnv = process.env): ImageUrlPolicy {
  const ranges = (env[IMAGE_URL_ENV.testAllowRanges] ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  for (const range of ranges) ipaddr.parseCIDR(range); // a typo fails loudly, not open
  return {
    maxBytes,
    maxRedirects: 3,
    connectTimeoutMs: 3_000,
    totalTimeoutMs: 10_000,
    ...(ranges.length > 0 ? { testAllowRanges: ranges } : {}),
    ...(env[IMAGE_URL_ENV.testCa] ? { testCa: env[IMAGE_URL_ENV.testCa] } : {}),
  };
}

const fail = (reason: 'URL_NOT_ALLOWED' | 'URL_FETCH_FAILED' | 'URL_TOO_LARGE' | 'URL_TIMEOUT', message: string) =>
  new ApiError('PARSE_ERROR', reason, message);

// IPv4-compatible IPv6 (::a.b.c.d, deprecated) counts as "unicast" in ipaddr.js: refuse it explicitly.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Whether a resolved address may be fetched: only ipaddr.js's `unicast` range (public), after
 * unwrapping IPv4-mapped IPv6. Loopback, private, link-local (169.254.169.254), CGNAT, multicast,
 * broadcast, reserved, documentation, unique-local, NAT64 (64:ff9b::/96, /48), 6to4, Teredo and
 * discard ranges are all refused.
 */
export function isPublicAddress(address: string, testAllowRanges: readonly string[] = []): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  for (const range of testAllowRanges) {
    const [net, bits] = ipaddr.parseCIDR(range);
    if (ip.kind() === net.kind() && ip.match(net, bits)) return true;
  }
  if (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE)) return false;
  return ip.range() === 'unicast';
}

interface Target {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

const systemLookup = async (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

async function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail('URL_TIMEOUT', 'the image URL took too long to answer')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Scheme, credentials and every address the host resolves to; the first address is the one connected to. */
async function checkTarget(url: URL, policy: ImageUrlPolicy, deadline: number): Promise<Target> {
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    throw fail('URL_NOT_ALLOWED', 'only https image URLs are fetched');
  }
  if (url.username || url.password) throw fail('URL_NOT_ALLOWED', 'image URLs may not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await withDeadline((policy.lookup ?? systemLookup)(host), deadline);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw fail('URL_FETCH_FAILED', 'the image URL host could not be resolved');
    }
  }
  if (addresses.length === 0) throw fail('URL_FETCH_FAILED', 'the image URL host could not be resolved');
  // Any inward answer refuses the name: a resolver may hand out the public one first and the private one next.
  if (!addresses.every((a) => isPublicAddress(a.address, policy.testAllowRanges))) {
    throw fail('URL_NOT_ALLOWED', 'the image URL does not point to a public address');
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** One request to the checked address (the hostname still names the TLS certificate and the Host header). */
function get(target: Target, policy: ImageUrlPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const { url } = target;
  return new Promise((resolve, reject) => {
    const options = {
      method: 'GET',
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { accept: 'image/*', 'user-agent': 'open-liveness-image-fetch' },
      lookup: pinned,
      agent: false as const,
      signal,
      ...(policy.testCa ? { ca: [...rootCertificates, policy.testCa] } : {}),
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
    req.on('error', reject);
    req.on('socket', (socket) => {
      const timer = setTimeout(() => req.destroy(fail('URL_TIMEOUT', 'the image URL did not accept a connection in time')), policy.connectTimeoutMs);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.end();
  });
}

/** Reads at most maxBytes; stops the download the moment it would be more. */
function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(fail('URL_TOO_LARGE', `the image at the URL is larger than ${maxBytes} bytes`));
        res.destroy();
      } else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    // Cut short: by the total timeout (the caller sees the abort) or by the server.
    res.on('aborted', () => reject(new Error('download cut short')));
    res.on('close', () => reject(new Error('download cut short')));
  });
}

/** JPEG, PNG, WebP or BMP by their first bytes (what the decoder reads). */
export function looksLikeImage(bytes: Buffer): boolean {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return true;
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return true;
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return true;
  return bytes.length >= 14 && bytes.toString('latin1', 0, 2) === 'BM';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The image at `rawUrl`, or a 400 with URL_NOT_ALLOWED, URL_FETCH_FAILED, URL_TOO_LARGE or URL_TIMEOUT. */
export async function fetchImageUrl(rawUrl: string, policy: ImageUrlPolicy): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw fail('URL_NOT_ALLOWED', 'the image URL is not a valid absolute URL');
  }
  const deadline = Date.now() + policy.totalTimeoutMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), policy.totalTimeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const target = await checkTarget(url, policy, deadline);
      const res = await get(target, policy, abort.signal);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && res.headers.location) {
        res.resume();
        if (redirects >= policy.maxRedirects) throw fail('URL_FETCH_FAILED', `the image URL redirected more than ${policy.maxRedirects} times`);
        try {
          url = new URL(res.headers.location, url);
        } catch {
          throw fail('URL_FETCH_FAILED', 'the image URL redirected to an invalid location');
        }
        continue;
      }
      if (status < 200 || status > 299) {
        res.resume();
        throw fail('URL_FETCH_FAILED', `the image URL answered HTTP ${status}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        res.destroy();
        throw fail('URL_TOO_LARGE', `the image at the URL is larger than ${policy.maxBytes} bytes`);
      }
      const bytes = await readCapped(res, policy.maxBytes);
      if (!looksLikeImage(bytes)) throw fail('URL_FETCH_FAILED', 'the URL did not return a JPEG, PNG, WebP or BMP image');
      return bytes;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (abort.signal.aborted) throw fail('URL_TIMEOUT', 'the image URL took too long to answer');
    throw fail('URL_FETCH_FAILED', 'the image URL could not be fetched');
  } finally {
    clearTimeout(timer);
  }
}
