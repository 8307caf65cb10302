// Vite build of the browser pages: `npm run build:web` writes web/dist/ with the explorer (index.html, which
// `ganvae serve` serves) and the studio (studio.html and public/studio-data/, which `ganvae studio` serves; the
// folder is also a static site that can be hosted anywhere).
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Writes dist/sources.txt: the repository files (outside node_modules) bundled into the page, one per
 * line, so scripts/setup.sh rebuilds exactly when one of them is newer than the build.
 */
function sourceList(): Plugin {
  return {
    name: 'ganvae-source-list',
    generateBundle(_options, bundle) {
      const files = new Set<string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of chunk.moduleIds) {
          if (isAbsolute(id) && !id.includes('/node_modules/')) files.add(relative(dirname(root), id.split('?')[0]));
        }
      }
      this.emitFile({ type: 'asset', fileName: 'sources.txt', source: `${[...files].sort().join('\n')}\n` });
    },
  };
}

export default defineConfig({
  root,
  plugins: [sourceList()],
  // Relative asset URLs: the page works wherever the server mounts it.
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // tfjs alone is ~1.5 MB minified; one chunk is fine for a local tool.
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { index: join(root, 'index.html'), studio: join(root, 'studio.html') } },
  },
});
