import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { AppAdmin } from '../../functions/commons/appAdmin.js';
import { issueSession } from '../../functions/commons/captureSessions.js';
import { dynamoDbClient } from '../../functions/commons/clients.js';
import type { LivenessConfig } from '../../functions/commons/config.js';
import { parseLivenessOptions } from '../../functions/commons/livenessRequest.js';
import { DynamoDbAppStore } from '../../functions/commons/stores/dynamodb/DynamoDbAppStore.js';
import { DynamoDbSessionStore } from '../../functions/commons/stores/dynamodb/DynamoDbSessionStore.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
// The package's require entry lives in dist/, beside the wasm files (its exports hide package.json).
const ortDist = () => dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // web/illumination.json: the lighting criteria the component shares with the server.
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

/** URL prefix → folder; only these are served, and only files with a known type. */
const mounts = (): readonly (readonly [prefix: string, dir: string])[] => [
  ['/demo/', join(ROOT, 'web', 'demo')],
  ['/web/', join(ROOT, 'web')],
  // The wasm build of onnxruntime-web the component loads (ort.wasm.min.mjs + its .mjs/.wasm).
  ['/vendor/onnxruntime-web/', ortDist()],
];
/** The one model the browser needs, the same file the server detects faces with. */
const MODEL_FILES = new Set(['/models/fr_detect.onnx']);

function fileFor(pathname: string): string | undefined {
  if (MODEL_FILES.has(pathname)) return join(ROOT, pathname);
  for (const [prefix, dir] of mounts()) {
    if (!pathname.startsWith(prefix)) continue;
    const rest = pathname.slice(prefix.length) || 'index.html';
    const file = resolve(dir, rest);
    // No way out of the mounted folder (.., encoded slashes, absolute paths).
    return file.startsWith(dir + sep) ? file : undefined;
  }
  return undefined;
}

export interface DemoSiteOptions {
  readonly config: LivenessConfig;
  readonly devApp: { readonly appId: string };
}

/**
 * The local demo of the capture component (never deployed): static files under /demo/, /web/,
 * /vendor/onnxruntime-web/ and /models/fr_detect.onnx, plus POST /demo/session, the "customer
 * backend" that creates a capture session for the dev app and lets this page's origin use it.
 * The dev key never reaches the browser: the session is issued in this process.
 */
export function demoSite(options: DemoSiteOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const db = dynamoDbClient(options.config);
  const apps = new AppStoreAdmin(options.config, db);
  const sessions = new DynamoDbSessionStore(db, options.config.tables.sessions);
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/demo') {
      res.writeHead(302, { location: '/demo/' }).end();
      return true;
    }
    if (url.pathname === '/demo/session' && method === 'POST') {
      req.resume();
      const page = demoPageOrigin(req);
      if (!page.ok) {
        res.writeHead(page.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ error: page.error }));
        return true;
      }
      const app = await apps.allowOrigin(options.devApp.appId, page.origin);
      // Each capture of the demo is its own journey; the session fixes it and the default check options.
      const request = { transactionId: `demo-${randomUUID()}`, options: parseLivenessOptions({}) };
      const session = await issueSession(sessions, app, request, { ttlSeconds: options.config.sessionTtlSeconds, maxChecks: options.config.sessionMaxChecks });
      const body = JSON.stringify({ sessionToken: session.sessionToken, expiresAt: session.expiresAt, maxChecks: session.maxChecks, transactionId: session.transactionId });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    const file = fileFor(decodeURIComponentSafe(url.pathname));
    const type = file && TYPES[extname(file)];
    const stats = file && type ? statOf(file) : undefined;
    if (!file || !type || !stats?.isFile()) return false;
    res.writeHead(200, { 'content-type': type, 'content-length': stats.size, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    if (method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}

/** The names this machine's own pages are served under; any other Host is a forged one (DNS rebinding). */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

type PageOrigin = { readonly ok: true; readonly origin: string } | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/**
 * The demo page's origin, from Host checked against the address this server listens on: only a
 * loopback name on this very port is believed, and a browser's Origin, when sent, must be that page.
 */
export function demoPageOrigin(req: IncomingMessage): PageOrigin {
  const host = req.headers.host;
  let parsed: URL | undefined;
  try {
    parsed = host ? new URL(`http://${host}`) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.host !== host!.toLowerCase() || parsed.username || parsed.password || parsed.pathname !== '/') {
    return { ok: false, status: 400, error: 'the Host header is missing or malformed' };
  }
  const port = parsed.port || '80';
  if (!LOOPBACK_NAMES.has(parsed.hostname) || port !== String(req.socket.localPort)) {
    return { ok: false, status: 403, error: `the demo serves sessions only to its own page on this machine (http://localhost:${req.socket.localPort}/demo/)` };
  }
  const origin = parsed.origin;
  const sent = req.headers.origin;
  if (sent !== undefined && sent !== origin) return { ok: false, status: 403, error: 'the request comes from another page than the demo' };
  return { ok: true, origin };
}

class AppStoreAdmin {
  private readonly admin: AppAdmin;
  private readonly store: DynamoDbAppStore;
  constructor(config: LivenessConfig, db: ReturnType<typeof dynamoDbClient>) {
    this.store = new DynamoDbAppStore(db, config.tables.apps);
    this.admin = new AppAdmin(this.store);
  }

  /** The dev app, allowing `origin` (the demo page's own) besides the origins it had. */
  async allowOrigin(appId: string, origin: string) {
    const app = await this.store.get(appId);
    if (!app) throw new Error(`the dev app ${appId} is missing`);
    if (app.allowedOrigins?.includes(origin)) return app;
    return this.admin.setOrigins(appId, [...(app.allowedOrigins ?? []), origin]);
  }
}

function statOf(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '\0';
  }
}
