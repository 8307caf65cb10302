// `ganvae studio`: the browser studio on http://127.0.0.1:8090/ by default — train a GAN or VAE on your own images
// in the browser tab, on its GPU (WebGPU, else WebGL), with nothing uploaded. Serves the static page built by
// `npm run build:web` (web/dist/studio.html) read-only; `--bench` opens its benchmark instead. Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createStudioServer, STUDIO_PAGE } from '../../server/studio-server.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { listenAndDescribe, untilInterrupted, webDist } from '../local-server.ts';

const help = `usage: ganvae studio [--port 8090] [--host 127.0.0.1] [--open no] [--bench] [--seconds 20]

Serves the studio page: pick or drop a folder of images (or use the built-in Fashion-MNIST set), see them
as the model will, choose a GAN or VAE with the options of \`ganvae train\`, and train in the browser tab on
WebGPU, WebGL or the CPU, with pause/resume, checkpoints kept in the browser, and export as a run folder
that \`ganvae sample|eval|report|serve|train --resume\` read. Your images never leave the browser.
The page is also a static site: web/dist/ can be hosted anywhere.
  --port P      TCP port (0 picks a free one)                                   [8090]
  --host H      address to listen on; anything but 127.0.0.1/localhost exposes the page to your network (a warning says so)   [127.0.0.1]
  --open yes    also open the page in the desktop's browser (xdg-open)          [no]
  --bench       open the benchmark instead: images/s of W1 (DCGAN-28) and W2 (the default VAE) trained in the
                browser, as \`npm run bench\` measures them in Node
  --seconds S   seconds of each benchmark measurement                           [20]`;

export const command: Command = {
  name: 'studio',
  summary: 'train a GAN or VAE in the browser on your own images (WebGPU/WebGL), nothing uploaded',
  async run(argv) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' }, host: { type: 'string' }, open: { type: 'string' }, bench: { type: 'boolean' }, seconds: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const port = numberFlag('port', values.port, 8090, 0, 65535);
    if (!Number.isInteger(port)) throw new CliError(`--port must be an integer, got "${values.port}"`);
    const seconds = numberFlag('seconds', values.seconds, 20, 1, 600);
    const host = values.host ?? '127.0.0.1';
    const open = values.open ?? 'no';
    if (open !== 'yes' && open !== 'no') throw new CliError(`--open must be yes or no, got "${open}"`);
    const webDir = webDist();
    if (!existsSync(join(webDir, STUDIO_PAGE))) {
      throw new CliError(`the studio page is not built (${join(webDir, STUDIO_PAGE)} is missing); run \`npm run setup\` (or \`npm run build:web\`)`, 1);
    }
    const server = createStudioServer({ webDir, host });
    const base = await listenAndDescribe('ganvae studio', server, port, host);
    // Ctrl-C is handled from before the URL is printed: whoever reads the URL may stop the server at once.
    const stopped = untilInterrupted('ganvae studio', server);
    const url = values.bench ? `${base}?bench=1&seconds=${seconds}` : base;
    console.log(values.bench
      ? `ganvae studio: the benchmark is at ${url}  (open it in the browser whose GPU you want to measure; Ctrl-C to stop)`
      : `ganvae studio: at ${url}  (Ctrl-C to stop)`);
    if (open === 'yes') {
      spawn('xdg-open', [url], { stdio: 'ignore', detached: true })
        .on('error', () => console.error(`ganvae studio: could not start xdg-open; open ${url} yourself`)).unref();
    }
    await stopped;
    return 0;
  },
};
