// The HTTP server behind `ganvae serve`: the built page (web/dist), the run folder's files under /run/,
// and two JSON routes. Read-only by construction, with the rules of every local server (local-http.ts):
// GET/HEAD only, no request bodies, only requests addressed to it, no CORS, nothing outside the two folders.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { MANIFEST_ROUTE, RUN_ROUTE, TEST_LATENTS_ROUTE, type ExplorerManifest, type TestLatents } from './explorer-api.ts';
import { createLocalServer, requestPath, sendFile, sendJson, sendText } from './local-http.ts';
import { resolveInside } from './static-files.ts';

export interface ExplorerServerOptions {
  /** The run folder served under /run/. */
  runDir: string;
  /** The built page (web/dist): index.html and assets/. */
  webDir: string;
  /** Reads the page's manifest of the run (on each request of it). */
  manifest: () => ExplorerManifest;
  /** Computes the VAE scatter on first request (cached); absent for GANs. */
  testLatents?: () => Promise<TestLatents>;
  /** The address the server will listen on; Host headers must name it (or localhost). Default 127.0.0.1. */
  host?: string;
}

/** Creates (does not start) the explorer's server; call `listen` on it with `options.host`. */
export function createExplorerServer(options: ExplorerServerOptions): Server {
  let latents: Promise<TestLatents> | undefined;
  return createLocalServer('ganvae serve', options.host ?? '127.0.0.1', async (req, res) => {
    const path = requestPath(req);
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
  });
}
