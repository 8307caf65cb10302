#!/usr/bin/env node
// The `ganvae` command: runs the compiled CLI, dist/cli/main.js. In a checkout of the repository (src/ next to
// dist/) where a source file is newer than the last build (dist/.build-stamp, written by scripts/build.sh), it
// runs src/ through tsx's loader instead, so `node bin/ganvae.js` and the tests never run stale code after an
// edit; `npm run build` (or scripts/setup.sh) brings dist/ up to date. An installed package has no src/.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const sources = new URL('src/', root);
const stamp = new URL('dist/.build-stamp', root);

/** Whether a file under `dir` (a file URL) was modified after `time` (ms since the epoch). */
function modifiedAfter(dir, time) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .some((entry) => entry.isFile() && statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > time);
}

const stale = existsSync(sources) && (!existsSync(stamp) || modifiedAfter(sources, statSync(stamp).mtimeMs));
if (stale) {
  const { register } = await import('tsx/esm/api');
  register();
  // tsx turns on Node's source maps, and Node then parses the inline maps of tfjs's bundles: ~30-50 MiB of
  // resident memory for stack traces a user never sees. GANVAE_DEBUG=1 keeps them (TypeScript lines in stacks).
  if (!process.env.GANVAE_DEBUG) process.setSourceMapsEnabled(false);
  await import(new URL('src/cli/main.ts', root).href);
} else {
  await import('../dist/cli/main.js');
}
