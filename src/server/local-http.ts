// The rules every ganvae local server (`ganvae serve`, `ganvae studio`) holds to, in one place: GET/HEAD only,
// no request bodies, 403 for a Host header that is not this server (DNS rebinding), no CORS headers, and the
// small senders (text, JSON, a file) with the security headers every answer carries.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { pipeline } from 'node:stream';
import { contentType } from './static-files.ts';

/** Headers on every answer. No Access-Control-* header is ever sent: other origins cannot read anything. */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Sends `text` with `status` (the body left out for HEAD). */
export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Sends `value` as JSON with status 200. */
export function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Streams the regular file `file` (a path resolveInside returned) with its content type. */
export function sendFile(res: ServerResponse, file: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType(file), 'Content-Length': statSync(file).size });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-download.
  pipeline(createReadStream(file), res, () => undefined);
}

/** Whether `host` (a --host value) is a wildcard address that listens on every interface. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** Whether `host` (a --host value or an address) stays on this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** The hostname and port of a Host header (`name:port`, `[v6]:port`), lower-cased; null when malformed. */
function splitHost(header: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match) return null;
  return { name: match[1].toLowerCase().replace(/^\[|\]$/g, ''), port: match[2] === undefined ? null : Number(match[2]) };
}

/** The IP addresses of this machine's interfaces. */
function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/**
 * Whether a request with Host header `header` is meant for a server bound to `boundHost` at `address`: the
 * bound host or `localhost` (or a loopback address), with the bound port. A server on a wildcard address also
 * accepts this machine's interface addresses (IP literals, which DNS rebinding cannot produce). Any other name
 * (a rebinding attacker's domain) is refused.
 */
export function hostAllowed(header: string | undefined, boundHost: string, address: AddressInfo): boolean {
  if (header === undefined) return false;
  const parsed = splitHost(header);
  if (!parsed) return false;
  // A browser omits the port only for port 80.
  const port = parsed.port ?? 80;
  if (port !== address.port) return false;
  const name = parsed.name;
  const bound = boundHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === bound || name === 'localhost' || name === address.address.toLowerCase()) return true;
  if (isLoopback(bound) && isIP(name) && isLoopback(name)) return true;
  return isWildcard(bound) && isIP(name) !== 0 && (isLoopback(name) || localAddresses().has(name));
}

/** Why a request is refused before routing (405, 413, 400, 403), or null when it may be routed. */
function refusal(req: IncomingMessage, boundHost: string, address: AddressInfo): { status: number; text: string; headers?: Record<string, string> } | null {
  if (!hostAllowed(req.headers.host, boundHost, address)) {
    return { status: 403, text: `this server answers only requests addressed to it (Host ${boundHost}:${address.port} or localhost:${address.port})\n` };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, text: 'only GET and HEAD are allowed\n', headers: { Allow: 'GET, HEAD' } };
  if (req.headers['transfer-encoding'] !== undefined) return { status: 400, text: 'request bodies are not accepted\n' };
  const length = req.headers['content-length'];
  if (length !== undefined && length !== '0') return { status: 413, text: 'request bodies are not accepted\n' };
  return null;
}

/** The URL path of an origin-form request target ("/path?query" → "/path"); '' for absolute-form and "*". */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '';
  return url.startsWith('/') ? url.split(/[?#]/, 1)[0] : '';
}

/**
 * A read-only HTTP server for `host` (the address it will listen on, to check Host headers against): requests
 * that pass the rules above go to `route`; a thrown error is a 500 logged under `name`. Call `listen` on it.
 */
export function createLocalServer(name: string, host: string, route: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Server {
  const server: Server = createServer((req, res) => {
    const refused = refusal(req, host, server.address() as AddressInfo);
    if (refused) {
      // The body is not read; closing the connection stops the client from sending it.
      res.setHeader('Connection', 'close');
      sendText(res, refused.status, refused.text, refused.headers);
      return;
    }
    Promise.resolve(route(req, res)).catch((err: Error) => {
      console.error(`${name}: ${req.method} ${req.url} failed: ${err.message}`);
      if (!res.headersSent) sendText(res, 500, `${err.message}\n`);
      else res.destroy();
    });
  });
  return server;
}

/** The warning printed when `host` exposes a server beyond this machine, or null for a loopback host. */
export function exposureWarning(command: string, host: string): string | null {
  if (isLoopback(host)) return null;
  return `${command}: warning: --host ${host} makes this server reachable from ${isWildcard(host) ? 'every network this machine is on' : `the network of ${host}`}; ` +
    'anyone who can reach it can read what it serves. Use the default 127.0.0.1 unless you mean that';
}
