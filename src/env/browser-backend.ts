// Chooses the tfjs backend in a browser, for the package's browser entry: WebGL when the page can create a
// WebGL context, else tfjs's pure-JS cpu. Free of Node imports; src/env/backend.ts is the Node side.
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers the webgl and cpu backends, the gradients and the chained ops.
import '@tensorflow/tfjs';
import { installTfjsChanges } from '../tfjs/install.ts';

/** Backends a page can run, fastest first. */
export const BROWSER_BACKENDS = ['webgl', 'cpu'] as const;
export type BrowserBackendName = (typeof BROWSER_BACKENDS)[number];

/** What `initBackend` chose in the browser and why. */
export interface BrowserBackendChoice {
  name: BrowserBackendName;
  /** Why faster backends were passed over (empty when the first choice worked). */
  skipped: string[];
}

/** Whether a WebGL context can be created at all (headless browsers often have none). */
export function webglAvailable(): boolean {
  if (typeof document === 'undefined') return false;
  const canvas = document.createElement('canvas');
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

/**
 * Activates a backend (`prefer`, else WebGL when available, else cpu) and installs ganvae's lean backward
 * pass; call it once before building models. A forced backend that cannot start throws.
 */
export async function initBackend(prefer?: BrowserBackendName): Promise<BrowserBackendChoice> {
  if (prefer !== undefined && !(BROWSER_BACKENDS as readonly string[]).includes(prefer)) {
    throw new Error(`"${prefer}" is not a browser backend; use one of ${BROWSER_BACKENDS.join(', ')}`);
  }
  installTfjsChanges();
  const skipped: string[] = [];
  // Probing first avoids tfjs's console warnings about a WebGL backend that cannot start.
  const order: BrowserBackendName[] = prefer ? [prefer] : [...BROWSER_BACKENDS];
  for (const name of order) {
    if (name === 'webgl' && !webglAvailable()) {
      skipped.push('webgl: this page cannot create a WebGL context');
      continue;
    }
    if (await tf.setBackend(name)) {
      await tf.ready();
      return { name, skipped };
    }
    skipped.push(`${name}: did not initialise`);
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}
