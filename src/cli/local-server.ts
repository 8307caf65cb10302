// Starting a local server for a CLI command (`ganvae serve`, `ganvae studio`): listening with one-line errors
// naming the flag, the warning for a --host beyond this machine, the printed URL, and a clean stop on Ctrl-C.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exposureWarning } from '../server/local-http.ts';
import { CliError } from './command.ts';

/** Where `npm run build:web` writes the pages (web/dist); GANVAE_WEB_DIST points elsewhere (packaging, tests). */
export function webDist(): string {
  return process.env.GANVAE_WEB_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
}

/** Listens on host:port; a taken port or a bad address becomes a CliError naming the flag. */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new CliError(`port ${port} on ${host} is already in use; pick another with --port (or --port 0 for any free one)`, 1));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new CliError(`--host ${host} is not an address of this machine`, 2));
      else if (err.code === 'EACCES') reject(new CliError(`no permission to listen on port ${port}; use a port above 1023`, 1));
      else reject(err);
    });
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/** Prints the warning for a --host that exposes the server (stderr), then listens; resolves to the page's URL. */
export async function listenAndDescribe(command: string, server: Server, port: number, host: string): Promise<string> {
  const warning = exposureWarning(command, host);
  if (warning) console.error(warning);
  const address = await listen(server, port, host);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}/`;
}

/** Resolves once Ctrl-C (SIGINT) has closed `server` and its connections, printing `${command}: stopping`. */
export function untilInterrupted(command: string, server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => {
      console.log(`${command}: stopping`);
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
}
