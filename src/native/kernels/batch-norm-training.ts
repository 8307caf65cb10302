// Training-mode batch norm (forward and gradient) as two native-only kernels; src/native/batch-norm-training.ts
// is the op and gradient that use them, src/tfjs/batch-norm.ts the layer.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, outputTensor, requireFloat32 } from '../tensors.ts';

/** Kernel names (ganvae's own: tfjs has no fused training-mode batch norm). */
export const BATCH_NORM_TRAINING = 'GanvaeBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'GanvaeBatchNormTrainingGrad';

/** Attributes of both kernels. */
export interface BatchNormTrainingAttrs {
  epsilon: number;
}

/** Checks that every named per-channel tensor is [C] where C is x's last dimension; returns C. */
function channels(x: TensorInfo, perChannel: Record<string, TensorInfo | undefined>): number {
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 2) throw new Error(`${BATCH_NORM_TRAINING}: x must have rank >= 2 (channels last), got shape [${x.shape}]`);
  for (const [name, t] of Object.entries(perChannel)) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== c)) throw new Error(`${BATCH_NORM_TRAINING}: ${name} must have shape [${c}], got [${t.shape}]`);
  }
  return c;
}

/** x [.., C], gamma [C], beta [C] → y of x's shape, batch mean [C], batch variance [C] (biased, as tf.moments). */
export function batchNormTrainingKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: BATCH_NORM_TRAINING,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      const cpu = backend as MathBackendCPU;
      const c = channels(x, { gamma, beta });
      const input = (t: TensorInfo, name: string) => requireFloat32(cpu, t, name, BATCH_NORM_TRAINING);
      const xv = input(x, 'x');
      const y = allocateFloat32(cpu, xv.length);
      const mean = new Float32Array(c);
      const variance = new Float32Array(c);
      addon.batchNormTraining(xv, input(gamma, 'gamma'), input(beta, 'beta'), (attrs as unknown as BatchNormTrainingAttrs).epsilon, y, mean, variance);
      return [outputTensor(cpu, [...x.shape], y), outputTensor(cpu, [c], mean), outputTensor(cpu, [c], variance)];
    },
  };
}

/** x, dy [.., C], gamma, mean, variance, dMean, dVariance [C] → dx [.., C], dGamma [C], dBeta [C]. */
export function batchNormTrainingGradKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: BATCH_NORM_TRAINING_GRAD,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy, gamma, mean, variance, dMean, dVariance } = inputs as Record<string, TensorInfo>;
      const cpu = backend as MathBackendCPU;
      const c = channels(x, { gamma, mean, variance, dMean, dVariance });
      if (dy.shape.join() !== x.shape.join()) throw new Error(`${BATCH_NORM_TRAINING_GRAD}: dy has shape [${dy.shape}], x has [${x.shape}]`);
      const input = (t: TensorInfo, name: string) => requireFloat32(cpu, t, name, BATCH_NORM_TRAINING_GRAD);
      const xv = input(x, 'x');
      const dx = allocateFloat32(cpu, xv.length);
      const dGamma = new Float32Array(c);
      const dBeta = new Float32Array(c);
      addon.batchNormTrainingGrad(xv, input(dy, 'dy'), input(gamma, 'gamma'), input(mean, 'mean'), input(variance, 'variance'),
        (attrs as unknown as BatchNormTrainingAttrs).epsilon, dMean ? input(dMean, 'dMean') : null, dVariance ? input(dVariance, 'dVariance') : null,
        dx, dGamma, dBeta);
      return [outputTensor(cpu, [...x.shape], dx), outputTensor(cpu, [c], dGamma), outputTensor(cpu, [c], dBeta)];
    },
  };
}
