// Vite build of the browser explorer: `npm run build:web` writes web/dist/, which `ganvae serve` serves.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  // Relative asset URLs: the page works wherever the server mounts it.
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // tfjs alone is ~1.5 MB minified; one chunk is fine for a local tool.
    chunkSizeWarningLimit: 4096,
  },
});
