// Conv2D, Conv2DTranspose (ganvae's fused one) and Dense with a spectrally normalised kernel (spectral-norm.ts): each
// call computes with kernel / σ, and a training call first takes one power-iteration step. u and v are non-trainable
// weights, so checkpoints and model files carry them. `withoutSpectralNorm` (without-spectral-norm.ts) turns a model
// of these into one of the built-in classes for export.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { FusedConv2DTranspose } from './conv2d-transpose.ts';
import { tfjsLayerClass } from './layer-class.ts';
import { addSpectralNorm, type OutputAxis, SpectralNorm } from './spectral-norm.ts';

type Layer = tfl.layers.Layer;
type Conv2DArgs = Parameters<typeof tfl.layers.conv2d>[0];
type Conv2DTransposeArgs = Parameters<typeof tfl.layers.conv2dTranspose>[0];
type DenseArgs = Parameters<typeof tfl.layers.dense>[0];
type CallInputs = tf.Tensor | tf.Tensor[];
type CallKwargs = Record<string, unknown>;

/** What spectral normalisation adds to a layer's arguments. */
export interface SpectralNormArgs {
  /** Seed of u's initial normal draw (unseeded: Math.random). */
  seed?: number;
}

/** The members of tfjs's kernel layers that spectral normalisation uses (protected or private in their typings). */
interface KernelInternals {
  kernel: LayerVariable;
  bias: LayerVariable | null;
  addWeight(name: string, shape: number[], dtype: 'float32', initializer: unknown, regularizer: undefined, trainable: false): LayerVariable;
}

/** A layer with a spectrally normalised kernel; its class's static `plainClassName` names the built-in class it folds into. */
export interface SpectralNormLayer {
  /** The spectral normalisation, once the layer is built. */
  readonly spectralNorm: SpectralNorm | undefined;
  /** The built-in layer's weights: kernel / σ (σ from the stored u and v, as in inference), then the bias if any. */
  foldedWeights(): tf.Tensor[];
}

/** Adds u and v to `layer` once tfjs's build has made its kernel. */
function spectralNormOf(layer: Layer, outputAxis: OutputAxis, seed: number | undefined): SpectralNorm {
  const self = layer as unknown as KernelInternals;
  return addSpectralNorm((name, shape, initializer) => self.addWeight.call(layer, name, shape, 'float32', initializer, undefined, false),
    self.kernel, outputAxis, seed);
}

/** Runs tfjs's call with the layer's kernel read as kernel / σ (one power-iteration step first when training). */
function callNormalized(layer: Layer, spectral: SpectralNorm | undefined, kwargs: CallKwargs, call: () => CallInputs): CallInputs {
  if (!spectral) throw new Error(`${layer.name}: a spectral-norm layer is called before it is built`);
  const self = layer as unknown as KernelInternals;
  const kernel = self.kernel;
  return tf.tidy(() => {
    const normalized = spectral.normalize(kernel.read(), kwargs.training === true);
    self.kernel = { read: () => normalized } as LayerVariable;
    try {
      return call();
    } finally {
      self.kernel = kernel;
    }
  });
}

/** [kernel / σ (stored u and v), bias if any]: the weights of the built-in layer that computes `layer`'s inference output. */
function foldedWeightsOf(layer: Layer, spectral: SpectralNorm | undefined): tf.Tensor[] {
  if (!spectral) throw new Error(`${layer.name}: a spectral-norm layer has no weights before it is built`);
  const { kernel, bias } = layer as unknown as KernelInternals;
  return tf.tidy(() => [spectral.normalize(kernel.read(), false), ...(bias ? [tf.clone(bias.read())] : [])]);
}

/** The layer's config with the seed (when set), so a copy from config draws the same u. */
function configWith(config: tf.serialization.ConfigDict, seed: number | undefined): tf.serialization.ConfigDict {
  return seed === undefined ? config : { ...config, seed };
}

const Conv2DBase = tfjsLayerClass<new (args: Conv2DArgs) => ReturnType<typeof tfl.layers.conv2d>>('Conv2D');
const DenseBase = tfjsLayerClass<new (args: DenseArgs) => ReturnType<typeof tfl.layers.dense>>('Dense');

/** A kernel layer class whose constructor takes its tfjs arguments. */
type KernelLayerClass<Args> = new (args: Args) => Layer;

/**
 * `Base` (a kernel layer class) with its kernel spectrally normalised, serialised as `className`; W's rows are
 * the kernel's `outputAxis` (output channels), and `plainClassName` is the built-in class it folds into.
 */
function withSpectralNorm<Args extends object, Base extends KernelLayerClass<Args>>(Base: Base, className: string, plainClassName: string, outputAxis: OutputAxis) {
  return class extends (Base as KernelLayerClass<Args>) implements SpectralNormLayer {
    static className = className;
    /** The built-in class that computes this layer's inference output from its folded weights. */
    static plainClassName = plainClassName;
    spectralNorm: SpectralNorm | undefined;
    private readonly seed: number | undefined;

    constructor(args: Args & SpectralNormArgs) {
      super(args);
      this.seed = args.seed;
    }

    override build(inputShape: tfl.Shape | tfl.Shape[]): void {
      super.build(inputShape);
      this.spectralNorm = spectralNormOf(this, outputAxis, this.seed);
    }

    override call(inputs: CallInputs, kwargs: CallKwargs): CallInputs {
      return callNormalized(this, this.spectralNorm, kwargs, () => super.call(inputs, kwargs));
    }

    override getConfig(): tf.serialization.ConfigDict {
      return configWith(super.getConfig(), this.seed);
    }

    foldedWeights(): tf.Tensor[] {
      return foldedWeightsOf(this, this.spectralNorm);
    }
  };
}

/** A spectral-norm layer class as the package's declarations see it (the mixin's class type has protected members). */
export interface SpectralNormLayerClass<Args> {
  new (args: Args & SpectralNormArgs): Layer & SpectralNormLayer;
  readonly className: string;
  /** The built-in class that computes this layer's inference output from its folded weights. */
  readonly plainClassName: string;
}

/** Conv2D with a spectrally normalised kernel [kh, kw, in, out] (W: [out, kh·kw·in]). */
export const SpectralNormConv2D: SpectralNormLayerClass<Conv2DArgs> = withSpectralNorm<Conv2DArgs, typeof Conv2DBase>(
  Conv2DBase, 'SpectralNormConv2D', 'Conv2D', 'last');
/** ganvae's fused Conv2DTranspose with a spectrally normalised kernel [kh, kw, out, in] (W: [out, kh·kw·in], PyTorch's dim=1). */
export const SpectralNormConv2DTranspose: SpectralNormLayerClass<Conv2DTransposeArgs> = withSpectralNorm<Conv2DTransposeArgs, typeof FusedConv2DTranspose>(
  FusedConv2DTranspose, 'SpectralNormConv2DTranspose', 'Conv2DTranspose', 'secondLast');
/** Dense with a spectrally normalised kernel [in, out] (W: [out, in], PyTorch's Linear weight). */
export const SpectralNormDense: SpectralNormLayerClass<DenseArgs> = withSpectralNorm<DenseArgs, typeof DenseBase>(DenseBase, 'SpectralNormDense', 'Dense', 'last');
export type SpectralNormConv2D = Layer & SpectralNormLayer;
export type SpectralNormConv2DTranspose = Layer & SpectralNormLayer;
export type SpectralNormDense = Layer & SpectralNormLayer;

const SPECTRAL_NORM_CLASSES = [SpectralNormConv2D, SpectralNormConv2DTranspose, SpectralNormDense];

/** Whether `layer` is one of the spectral-norm layers. */
export function isSpectralNormLayer(layer: unknown): layer is Layer & SpectralNormLayer {
  return SPECTRAL_NORM_CLASSES.some((cls) => layer instanceof cls);
}

/**
 * The built-in class and config that compute a spectral-norm layer's inference output from its `foldedWeights`
 * (the same config without the seed), given its class name and config; null for any other class.
 */
export function plainLayerConfig(className: string, config: tf.serialization.ConfigDict): { className: string; config: tf.serialization.ConfigDict } | null {
  const cls = SPECTRAL_NORM_CLASSES.find((c) => c.className === className);
  if (!cls) return null;
  const { seed: _seed, ...plain } = config;
  return { className: cls.plainClassName, config: plain };
}

/** Registers the spectral-norm classes with tf.serialization, so model files that contain them load (idempotent). */
export function registerSpectralNormLayers(): void {
  for (const cls of SPECTRAL_NORM_CLASSES) tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

/** A Conv2D layer with a spectrally normalised kernel; tf.layers.conv2d's arguments and `seed` (of u). */
export function spectralNormConv2d(args: Conv2DArgs & SpectralNormArgs): SpectralNormConv2D {
  return new SpectralNormConv2D(args);
}

/** A (fused) Conv2DTranspose layer with a spectrally normalised kernel; tf.layers.conv2dTranspose's arguments and `seed`. */
export function spectralNormConv2dTranspose(args: Conv2DTransposeArgs & SpectralNormArgs): SpectralNormConv2DTranspose {
  return new SpectralNormConv2DTranspose(args);
}

/** A Dense layer with a spectrally normalised kernel; tf.layers.dense's arguments and `seed` (of u). */
export function spectralNormDense(args: DenseArgs & SpectralNormArgs): SpectralNormDense {
  return new SpectralNormDense(args);
}
