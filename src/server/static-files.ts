// Static files for `ganvae serve`: maps a URL path onto a file inside one root folder, refusing
// anything that could leave it (.., encoded dots, backslashes, NUL, absolute paths, outbound symlinks).
import { realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

/** Content types by file extension; anything else is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** The Content-Type header for a file name. */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The decoded path segments of `rawPath` (the part of a URL path after a route prefix, still
 * percent-encoded), or null when it could name something outside the folder: a backslash, a NUL,
 * an empty segment (`//`, an absolute path), `.` or `..` (also when written %2e%2e), or bad escapes.
 */
export function safeSegments(rawPath: string): string[] | null {
  if (rawPath === '' || rawPath.includes('\\')) return null;
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // A decoded segment holding '/' or '\' came from %2f / %5c: a second level the URL did not show.
    if (segment === '' || segment === '.' || segment === '..' || /[\\/\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/**
 * The real path of the regular file `rawPath` names inside `root`, or null when the path is unsafe
 * (see safeSegments), missing, not a file, or resolves (through a symlink) outside `root`.
 */
export function resolveInside(root: string, rawPath: string): string | null {
  const segments = safeSegments(rawPath);
  if (!segments) return null;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
