// Picks the page's tfjs backend: WebGL when the browser can create a WebGL context, else the pure-JS
// CPU backend. `?backend=cpu` (or webgl) in the page's URL forces one.
import * as tf from '@tensorflow/tfjs';

const CHOICES = ['webgl', 'cpu'] as const;

/** Whether a WebGL context can be created at all (headless browsers often have none). */
function webglAvailable(): boolean {
  const canvas = document.createElement('canvas');
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

/** Activates a backend and returns its name; throws when a forced one cannot start. */
export async function chooseBackend(search: string): Promise<string> {
  const forced = new URLSearchParams(search).get('backend');
  if (forced !== null && !(CHOICES as readonly string[]).includes(forced)) throw new Error(`?backend=${forced} is not one of ${CHOICES.join(', ')}`);
  // Probing first avoids tfjs's console warnings about a WebGL backend that cannot start.
  const order = forced ? [forced] : webglAvailable() ? [...CHOICES] : ['cpu'];
  for (const name of order) {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return name;
    }
  }
  throw new Error(`no tfjs backend could start (tried ${order.join(', ')})`);
}
