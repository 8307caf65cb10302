// The HTTP server behind `ganvae serve`: the built page (web/dist), the run folder's files under /run/,
// and two JSON routes. Read-only by construction: GET/HEAD only, no request bodies, nothing outside the two folders.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { MANIFEST_ROUTE, RUN_ROUTE, TEST_LATENTS_ROUTE, type ExplorerManifest, type TestLatents } from './explorer-api.ts';
import { contentType, resolveInside } from './static-files.ts';

export interface ExplorerServerOptions {
  /** The run folder served under /run/. */
  runDir: string;
  /** The built page (web/dist): index.html and assets/. */
  webDir: string;
  /** Reads the page's manifest of the run (on each request of it). */
  manifest: () => ExplorerManifest;
  /** Computes the VAE scatter on first request (cached); absent for GANs. */
  testLatents?: () => Promise<TestLatents>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
};

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendFile(res: ServerResponse, file: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType(file), 'Content-Length': statSync(file).size });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-download.
  pipeline(createReadStream(file), res, () => undefined);
}

/** Why a request is refused before routing (405, 413, 400), or null when it may be routed. */
function refusal(req: IncomingMessage): { status: number; text: string; headers?: Record<string, string> } | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, text: 'only GET and HEAD are allowed\n', headers: { Allow: 'GET, HEAD' } };
  if (req.headers['transfer-encoding'] !== undefined) return { status: 400, text: 'request bodies are not accepted\n' };
  const length = req.headers['content-length'];
  if (length !== undefined && length !== '0') return { status: 413, text: 'request bodies are not accepted\n' };
  return null;
}

/** Creates (does not start) the explorer's server; call `listen` on it. */
export function createExplorerServer(options: ExplorerServerOptions): Server {
  let latents: Promise<TestLatents> | undefined;
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = refusal(req);
    if (refused) {
      // The body is not read; closing the connection stops the client from sending it.
      res.setHeader('Connection', 'close');
      sendText(res, refused.status, refused.text, refused.headers);
      return;
    }
    const url = req.url ?? '';
    // Only origin-form targets ("/path?query"); absolute-form and "*" have no file here.
    const path = url.startsWith('/') ? url.split(/[?#]/, 1)[0] : '';
    let file: string | null = null;
    if (path === MANIFEST_ROUTE) return sendJson(res, options.manifest());
    if (path === TEST_LATENTS_ROUTE && options.testLatents) {
      latents ??= options.testLatents();
      return sendJson(res, await latents);
    }
    if (path === '/' || path === '/index.html') file = resolveInside(options.webDir, 'index.html');
    else if (path.startsWith('/assets/')) file = resolveInside(join(options.webDir, 'assets'), path.slice('/assets/'.length));
    else if (path.startsWith(RUN_ROUTE)) file = resolveInside(options.runDir, path.slice(RUN_ROUTE.length));
    if (!file) return sendText(res, 404, 'not found\n');
    sendFile(res, file);
  };
  return createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      console.error(`ganvae serve: ${req.method} ${req.url} failed: ${err.message}`);
      if (!res.headersSent) sendText(res, 500, `${err.message}\n`);
      else res.destroy();
    });
  });
}
