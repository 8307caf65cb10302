// Chooses the tfjs backend in a browser, for the package's browser entry: WebGPU when the browser offers an
// adapter, else WebGL when the page can create a WebGL context, else tfjs's pure-JS cpu. Free of Node imports;
// src/env/backend.ts is the Node side.
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers the webgl and cpu backends, the gradients and the chained ops.
import '@tensorflow/tfjs';
// Registers the webgpu backend (it starts only where navigator.gpu gives an adapter).
import '@tensorflow/tfjs-backend-webgpu';
import { installTfjsChanges } from '../tfjs/install.ts';

/** Backends a page can run, fastest first. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;
export type BrowserBackendName = (typeof BROWSER_BACKENDS)[number];

/** What `initBackend` chose in the browser and why. */
export interface BrowserBackendChoice {
  name: BrowserBackendName;
  /** Why faster backends were passed over (empty when the first choice worked). */
  skipped: string[];
}

/** Whether a WebGL context can be created at all (headless browsers often have none). */
export function webglAvailable(): boolean {
  if (typeof document === 'undefined') {
    // A worker has no document; an OffscreenCanvas gives WebGL there.
    if (typeof OffscreenCanvas === 'undefined') return false;
    const canvas = new OffscreenCanvas(1, 1);
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  }
  const canvas = document.createElement('canvas');
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

/** The part of the WebGPU API this module reads (the DOM typings of TypeScript 5.9 do not have it). */
interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Why WebGPU cannot run here (no navigator.gpu: not offered or not a secure context; no adapter), or null when it can. */
export async function webgpuUnavailable(): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return 'this browser offers no WebGPU here (navigator.gpu is missing; it needs a secure context such as http://localhost)';
  try {
    return (await gpu.requestAdapter()) ? null : 'the browser has WebGPU but no adapter (no usable GPU)';
  } catch (err) {
    return `requesting a WebGPU adapter failed: ${(err as Error).message}`;
  }
}

/**
 * Activates a backend (`prefer`, else WebGPU, WebGL, cpu: the first that starts) and installs ganvae's lean
 * backward pass; call it once before building models. A forced backend that cannot start throws, saying why.
 */
export async function initBackend(prefer?: BrowserBackendName): Promise<BrowserBackendChoice> {
  if (prefer !== undefined && !(BROWSER_BACKENDS as readonly string[]).includes(prefer)) {
    throw new Error(`"${prefer}" is not a browser backend; use one of ${BROWSER_BACKENDS.join(', ')}`);
  }
  installTfjsChanges();
  const skipped: string[] = [];
  // Probing first avoids tfjs's console warnings about a backend that cannot start.
  const order: BrowserBackendName[] = prefer ? [prefer] : [...BROWSER_BACKENDS];
  for (const name of order) {
    if (name === 'webgl' && !webglAvailable()) {
      skipped.push('webgl: this page cannot create a WebGL context');
      continue;
    }
    if (name === 'webgpu') {
      const why = await webgpuUnavailable();
      if (why) {
        skipped.push(`webgpu: ${why}`);
        continue;
      }
    }
    let started = false;
    try {
      started = await tf.setBackend(name);
      if (started) await tf.ready();
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    if (started) return { name, skipped };
    skipped.push(`${name}: did not initialise`);
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}
