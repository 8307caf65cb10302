// Every change ganvae makes to tfjs's global state, in one place and on request: `initBackend` calls
// `installTfjsChanges()` once; importing a module of ganvae changes nothing.
import { FusedBatchNormalization } from './batch-norm.ts';
import { registerComparisonGradients } from './comparison-gradients.ts';
import { FusedConv2DTranspose } from './conv2d-transpose.ts';
import { replaceLayerClass } from './layer-class.ts';
import { installLeanGradients } from './lean-gradients.ts';
import { registerFastGradients } from './mean-relu-gradients.ts';
import { registerSpectralNormLayers } from './spectral-norm-layers.ts';

let installed = false;

/**
 * Installs, once per process: the lean backward pass (intermediate gradients freed early), Mean's and Relu's
 * leaner gradients (same values), zero gradients for the comparison kernels (WGAN-GP's second-order pass),
 * and the fused BatchNormalization and Conv2DTranspose layers under tfjs's own class names (so models loaded
 * from files use them, and saved files stay standard), and the spectral-norm layers' classes (so model files with
 * them load). Fused Adam is a class of its own (`createAdam`).
 */
export function installTfjsChanges(): void {
  if (installed) return;
  installed = true;
  installLeanGradients();
  registerFastGradients();
  registerComparisonGradients();
  replaceLayerClass(FusedBatchNormalization);
  replaceLayerClass(FusedConv2DTranspose);
  registerSpectralNormLayers();
}
