// The HTTP server behind `ganvae studio`: the built static studio page (web/dist/studio.html, its assets and
// the bundled data set), nothing else. Training happens in the browser tab; nothing is uploaded, and the
// server holds to the rules of every local server (local-http.ts): GET/HEAD only, only requests addressed to
// it, no CORS headers, no path out of web/dist.
import type { Server } from 'node:http';
import { createLocalServer, requestPath, sendFile, sendText } from './local-http.ts';
import { resolveInside } from './static-files.ts';

/** The page's file in the built site. */
export const STUDIO_PAGE = 'studio.html';

export interface StudioServerOptions {
  /** The built site (web/dist): studio.html, assets/, studio-data/. */
  webDir: string;
  /** The address the server will listen on; Host headers must name it (or localhost). Default 127.0.0.1. */
  host?: string;
}

/** Creates (does not start) the studio's server: `/` is the studio page, other paths files of the built site. */
export function createStudioServer(options: StudioServerOptions): Server {
  return createLocalServer('ganvae studio', options.host ?? '127.0.0.1', (req, res) => {
    const path = requestPath(req);
    const file = path === '/' ? resolveInside(options.webDir, STUDIO_PAGE) : path.startsWith('/') ? resolveInside(options.webDir, path.slice(1)) : null;
    if (!file) return sendText(res, 404, 'not found\n');
    sendFile(res, file);
  });
}
