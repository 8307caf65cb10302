// `ganvae serve RUN`: the browser latent-space explorer for one run, on http://127.0.0.1:8080/ by default.
// Serves the page built by `npm run build:web` (web/dist) and the run folder, read-only; Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createExplorerServer } from '../../server/explorer-server.ts';
import { explorerManifest } from '../../server/explorer-manifest.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { listenAndDescribe, untilInterrupted, webDist } from '../local-server.ts';

const help = `usage: ganvae serve RUN [--port 8080] [--host 127.0.0.1] [--open no]

Opens the run folder RUN (a GAN or VAE from \`ganvae train\`) in the browser explorer: random samples,
sliders over latent dimensions, interpolation, class choice, and for VAEs reconstructions of your
images and their place in latent space. The model runs in the browser (tfjs, WebGL or CPU).
  --port P     TCP port (0 picks a free one)                                   [8080]
  --host H     address to listen on; anything but 127.0.0.1/localhost exposes the run to your network (a warning says so)   [127.0.0.1]
  --open yes   also open the page in the desktop's browser (xdg-open)          [no]`;

export const command: Command = {
  name: 'serve',
  summary: 'explore a run in the browser (latent sliders, interpolation, VAE reconstructions)',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, open: { type: 'string' } }, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError(`give exactly one run folder\n${help.split('\n')[0]}`);
    const port = numberFlag('port', values.port, 8080, 0, 65535);
    if (!Number.isInteger(port)) throw new CliError(`--port must be an integer, got "${values.port}"`);
    const host = values.host ?? '127.0.0.1';
    const open = values.open ?? 'no';
    if (open !== 'yes' && open !== 'no') throw new CliError(`--open must be yes or no, got "${open}"`);
    const [runDir] = positionals;
    let manifest;
    try {
      manifest = explorerManifest(runDir);
    } catch (err) {
      throw new CliError((err as Error).message, 2, { cause: err });
    }
    const webDir = webDist();
    if (!existsSync(join(webDir, 'index.html'))) {
      throw new CliError(`the explorer page is not built (${join(webDir, 'index.html')} is missing); run \`npm run setup\` (or \`npm run build:web\`)`, 1);
    }
    const server = createExplorerServer({
      runDir, host,
      webDir,
      // Read again on every page load, so new metrics or checkpoints show after `ganvae eval` or more training.
      manifest: () => explorerManifest(runDir),
      // Loaded on first use: it pulls in tfjs and the dataset, which a GAN run never needs.
      testLatents: manifest.kind === 'vae' ? async () => (await import('../../server/test-latents.ts')).encodeTestLatents(runDir) : undefined,
    });
    const url = await listenAndDescribe('ganvae serve', server, port, host);
    // Ctrl-C is handled from before the URL is printed: whoever reads the URL may stop the server at once.
    const stopped = untilInterrupted('ganvae serve', server);
    console.log(`ganvae serve: ${manifest.kind.toUpperCase()} run ${manifest.name} at ${url}  (Ctrl-C to stop)`);
    if (open === 'yes') {
      spawn('xdg-open', [url], { stdio: 'ignore', detached: true })
        .on('error', () => console.error(`ganvae serve: could not start xdg-open; open ${url} yourself`)).unref();
    }
    await stopped;
    return 0;
  },
};
