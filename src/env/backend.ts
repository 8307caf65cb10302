// Chooses the tfjs backend in one place: tfjs-node if installed, else ganvae's oneDNN `native`
// backend, else tfjs's pure-JS `cpu` with one warning. GANVAE_BACKEND forces a choice.
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers the gradients and chained ops that tfjs-core's Node bundle lacks,
// and the cpu backend that `native` extends.
import '@tensorflow/tfjs';
import { addonNotBuilt, BUILD_NATIVE_COMMAND, loadAddon, type NativeAddon } from '../native/addon.ts';
import { installTfjsChanges } from '../tfjs/install.ts';
import { NATIVE_BACKEND, registerNativeBackend } from '../native/register.ts';

/** Backends ganvae knows, fastest first. */
export const BACKENDS = ['tensorflow', 'native', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What `initBackend` chose and why. */
export interface BackendChoice {
  name: BackendName;
  /** Why faster backends were passed over (empty when the first choice worked). */
  skipped: string[];
  /** oneDNN details when `native` is active. */
  native?: ReturnType<NativeAddon['info']>;
}

let choice: BackendChoice | undefined;
let warned = false;

async function tryTensorflow(): Promise<string | null> {
  try {
    // Optional peer: present only where a user has installed it themselves.
    const pkg = '@tensorflow/tfjs-node';
    await import(pkg);
    return (await tf.setBackend('tensorflow')) ? null : 'tfjs-node did not initialise';
  } catch {
    return '@tensorflow/tfjs-node is not installed';
  }
}

async function tryNative(): Promise<string | null> {
  const { addon, error } = loadAddon();
  if (!addon && addonNotBuilt()) return `the oneDNN addon is not built: run \`${BUILD_NATIVE_COMMAND}\` once (needs Debian's libdnnl-dev)`;
  if (!addon) return `the oneDNN addon did not load (${error}); rebuild it with \`${BUILD_NATIVE_COMMAND}\` (needs Debian's libdnnl-dev)`;
  registerNativeBackend(addon);
  return (await tf.setBackend(NATIVE_BACKEND)) ? null : 'the native backend did not initialise';
}

async function tryCpu(): Promise<string | null> {
  if (!(await tf.setBackend('cpu'))) return 'the cpu backend did not initialise';
  // ganvae prints its own single warning about the slow path; silence tfjs's banner.
  Reflect.set(tf.backend(), 'firstUse', false);
  return null;
}

/**
 * Selects and activates the backend once per process. `prefer` (or env GANVAE_BACKEND) forces one
 * backend and fails loudly when it is unavailable.
 */
export async function initBackend(prefer: BackendName | undefined = envBackend()): Promise<BackendChoice> {
  if (choice && (!prefer || prefer === choice.name)) return choice;
  installTfjsChanges();
  const order: BackendName[] = prefer ? [prefer] : [...BACKENDS];
  const skipped: string[] = [];
  for (const name of order) {
    const problem = name === 'tensorflow' ? await tryTensorflow()
      : name === 'native' ? await tryNative()
        : await tryCpu();
    if (problem === null) {
      choice = { name, skipped };
      if (name === 'native') choice.native = loadAddon().addon!.info();
      if (name === 'cpu' && !prefer && !warned) {
        warned = true;
        // One line (process.emitWarning adds a second, about --trace-warnings), naming what to do; doctor lists every skip.
        const why = skipped.find((s) => s.startsWith('native:')) ?? skipped.join('; ');
        console.error(`ganvae: warning: running on tfjs's pure-JS CPU backend, ~1000x slower than the native one: ${why}`);
      }
      return choice;
    }
    if (prefer) throw new Error(`GANVAE_BACKEND / --backend asked for "${name}", but ${problem}`);
    skipped.push(`${name}: ${problem}`);
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}

function envBackend(): BackendName | undefined {
  const value = process.env.GANVAE_BACKEND;
  if (!value) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new Error(`GANVAE_BACKEND="${value}" is not a backend; use one of ${BACKENDS.join(', ')}`);
  }
  return value as BackendName;
}
