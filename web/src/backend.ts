// Picks the page's tfjs backend with the package's browser backend choice (src/env/browser-backend.ts): WebGL
// when the browser can create a WebGL context, else the pure-JS CPU backend. `?backend=cpu` (or webgl) forces one.
import { BROWSER_BACKENDS, initBackend, type BrowserBackendName } from '../../src/env/browser-backend.ts';

/** Activates a backend and returns its name; throws when a forced one cannot start. */
export async function chooseBackend(search: string): Promise<string> {
  const forced = new URLSearchParams(search).get('backend');
  if (forced !== null && !(BROWSER_BACKENDS as readonly string[]).includes(forced)) throw new Error(`?backend=${forced} is not one of ${BROWSER_BACKENDS.join(', ')}`);
  return (await initBackend((forced ?? undefined) as BrowserBackendName | undefined)).name;
}
