import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/commons/apiErrors.js';
import { fetchImageUrl, type ImageUrlPolicy, imageUrlPolicy, isPublicAddress } from '../../functions/commons/imageUrl.js';
import { selfie640 } from '../api/apiStack.js';
import { type ImageServer, startImageServer } from '../helpers/imageServer.js';

let server: ImageServer;
let face: Buffer;
beforeAll(async () => {
  face = await selfie640();
  server = await startImageServer(face);
});
afterAll(() => server.close());

const reasonOf = async (work: Promise<unknown>) => {
  try {
    await work;
    return 'fetched';
  } catch (error) {
    if (error instanceof ApiError) return `${error.statusCode} ${error.reason}`;
    throw error;
  }
};

/** The default policy (what production runs), with a given name resolution. */
const production = (lookup?: ImageUrlPolicy['lookup']): ImageUrlPolicy => ({ ...imageUrlPolicy(6 * 1024 * 1024, {}), ...(lookup ? { lookup } : {}) });
/** The test-only allow-list: the local server's loopback address, its self-signed certificate. */
const testing = (overrides: Partial<ImageUrlPolicy> = {}): ImageUrlPolicy => ({
  ...imageUrlPolicy(6 * 1024 * 1024, { LIVENESS_IMAGE_URL_TEST_ALLOW: '127.0.0.1/32', LIVENESS_IMAGE_URL_TEST_CA: server.ca }),
  // images.test → the local server; other names as the real resolver answers.
  lookup: async (host) => (host === 'images.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.5', family: 4 }]),
  ...overrides,
});
const resolvesTo = (...addresses: string[]): ImageUrlPolicy['lookup'] => async () =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('which addresses an image URL may reach', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1', '240.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:10.0.0.1',
    '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::a00:1', '2002:7f00:1::1', '2001::1', '2001:db8::1', '100::1', '::7f00:1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('lets the test-only allow-list open exactly its ranges', () => {
    expect(isPublicAddress('127.0.0.1', ['127.0.0.1/32'])).toBe(true);
    expect(isPublicAddress('127.0.0.2', ['127.0.0.1/32'])).toBe(false);
    expect(isPublicAddress('::ffff:127.0.0.1', ['127.0.0.1/32'])).toBe(true);
    expect(() => imageUrlPolicy(1, { LIVENESS_IMAGE_URL_TEST_ALLOW: '127.0.0.1/99' })).toThrow();
  });
});

describe('fetching an image URL with the default policy', () => {
  it.each([
    ['loopback by address', 'https://127.0.0.1:1/face.jpg'],
    ['loopback IPv6', 'https://[::1]:1/face.jpg'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]:1/face.jpg'],
    ['NAT64 of the metadata address', 'https://[64:ff9b::a9fe:a9fe]/latest/meta-data/'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/face.jpg'],
    ['plain http', 'http://example.com/face.jpg'],
    ['credentials in the URL', 'https://user:pass@example.com/face.jpg'],
    ['not a URL', 'face.jpg'],
    ['a file URL', 'file:///etc/passwd'],
  ])('refuses %s with URL_NOT_ALLOWED', async (_case, url) => {
    expect(await reasonOf(fetchImageUrl(url, production()))).toBe('400 URL_NOT_ALLOWED');
  });

  it('refuses localhost, which the real resolver answers with loopback', async () => {
    expect(await reasonOf(fetchImageUrl(server.url('/face.jpg', 'localhost'), production()))).toBe('400 URL_NOT_ALLOWED');
  });

  it.each([
    ['a private address', ['10.0.0.5']],
    ['the metadata address', ['169.254.169.254']],
    ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
    ['a public address and then a private one', ['93.184.216.34', '192.168.0.10']],
    ['a NAT64 address', ['64:ff9b::7f00:1']],
  ])('refuses a DNS name that resolves to %s', async (_case, addresses) => {
    expect(await reasonOf(fetchImageUrl('https://innocent.example/face.jpg', production(resolvesTo(...addresses))))).toBe('400 URL_NOT_ALLOWED');
  });

  it('refuses the local test server itself without the test-only allow-list', async () => {
    expect(await reasonOf(fetchImageUrl(server.url('/face.jpg'), production()))).toBe('400 URL_NOT_ALLOWED');
  });

  it('answers an unresolvable name with URL_FETCH_FAILED', async () => {
    const nowhere: ImageUrlPolicy['lookup'] = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await reasonOf(fetchImageUrl('https://nowhere.example/x.jpg', production(nowhere)))).toBe('400 URL_FETCH_FAILED');
  });
});

describe('fetching from the local HTTPS server through the test-only allow-list', () => {
  it('downloads the image, by address and by a name pinned to the checked address', async () => {
    expect(await fetchImageUrl(server.url('/face.jpg'), testing())).toEqual(face);
    expect(await fetchImageUrl(server.url('/face.jpg', 'images.test'), testing())).toEqual(face);
  });

  it('follows at most 3 redirects', async () => {
    expect(await fetchImageUrl(server.url('/redirect/3'), testing())).toEqual(face);
    expect(await reasonOf(fetchImageUrl(server.url('/redirect/4'), testing()))).toBe('400 URL_FETCH_FAILED');
  });

  it('re-checks every redirect: to the metadata address, to localhost, to plain http', async () => {
    expect(await reasonOf(fetchImageUrl(server.url('/to-metadata'), testing()))).toBe('400 URL_NOT_ALLOWED');
    // localhost resolves (here) to 10.0.0.5, outside the allow-list
    expect(await reasonOf(fetchImageUrl(server.url('/to-localhost'), testing()))).toBe('400 URL_NOT_ALLOWED');
    expect(await reasonOf(fetchImageUrl(server.url('/to-http'), testing()))).toBe('400 URL_NOT_ALLOWED');
  });

  it('stops a download past the size cap, declared or streamed', async () => {
    expect(await reasonOf(fetchImageUrl(server.url('/big-declared'), testing()))).toBe('400 URL_TOO_LARGE');
    expect(await reasonOf(fetchImageUrl(server.url('/big-streamed'), testing()))).toBe('400 URL_TOO_LARGE');
  });

  it('gives up on a server that never finishes the TLS handshake, or never finishes the body', async () => {
    const silent = `https://127.0.0.1:${server.silentPort}/face.jpg`;
    expect(await reasonOf(fetchImageUrl(silent, testing({ connectTimeoutMs: 300 })))).toBe('400 URL_TIMEOUT');
    expect(await reasonOf(fetchImageUrl(server.url('/slow'), testing({ totalTimeoutMs: 700 })))).toBe('400 URL_TIMEOUT');
  });

  it('sniffs the bytes: an HTML page served as image/jpeg is refused, as is a 404', async () => {
    expect(await reasonOf(fetchImageUrl(server.url('/page.html'), testing()))).toBe('400 URL_FETCH_FAILED');
    expect(await reasonOf(fetchImageUrl(server.url('/missing.jpg'), testing()))).toBe('400 URL_FETCH_FAILED');
  });

  it('refuses a certificate it does not trust (no test CA)', async () => {
    const { testCa: _ignored, ...untrusting } = testing();
    expect(await reasonOf(fetchImageUrl(server.url('/face.jpg'), untrusting))).toBe('400 URL_FETCH_FAILED');
  });
});
