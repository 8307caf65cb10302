// The ganvae child of `npm run bench` as one plain ES module, so that it runs on plain `node` as an installed
// `ganvae train` does: under tsx, a child also holds tsx's loader thread (about 30 MiB of resident memory that no
// user's process has), which its peak RSS would count against ganvae.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where the bundle goes: two folders below the repository root, as src/'s modules sit in dist/, so that their paths
 * relative to `import.meta.url` (the native addon, the extractors) resolve as they do from dist/.
 */
export const WORKER_BUNDLE = path.join(BENCH_DIR, 'build', 'ganvae-worker.js');

/** Bundles bench/ganvae-worker.ts and the src/ modules it imports (npm packages stay imports) into WORKER_BUNDLE. */
export async function bundleWorker(): Promise<void> {
  await build({
    entryPoints: [path.join(BENCH_DIR, 'ganvae-worker.ts')], outfile: WORKER_BUNDLE,
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
  });
}
