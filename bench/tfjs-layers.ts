// Shape records of a tfjs-layers model's counted layers (Conv, ConvT, Dense, average pooling, Multiply) in the
// order its builder made them, as bench/flops.ts counts them and the PyTorch mirror reports them.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerShape } from './flops.ts';

/** Counted layer classes by tfjs class name; the spectral-norm layers (src/tfjs/spectral-norm-layers.ts) count as their plain kind. */
const KINDS: Record<string, LayerShape['kind']> = {
  Conv2D: 'conv', Conv2DTranspose: 'convT', Dense: 'dense', AveragePooling2D: 'pool', Multiply: 'multiply',
  SpectralNormConv2D: 'conv', SpectralNormConv2DTranspose: 'convT', SpectralNormDense: 'dense',
};

const withoutBatch = (tensor: tfl.SymbolicTensor) => tensor.shape.slice(1) as number[];

/**
 * One record per counted layer of `model`, shapes without the batch dimension, in creation order (tfjs lists a
 * graph's layers by depth, which interleaves a skip-layer excitation with the main path; the builder's order is
 * the order a forward pass runs them, as the PyTorch mirror's hooks record them).
 */
export function tfjsLayerShapes(model: tfl.LayersModel): LayerShape[] {
  const records: LayerShape[] = [];
  for (const layer of [...model.layers].sort((a, b) => a.id - b.id)) {
    const kind = KINDS[layer.getClassName()];
    if (!kind) continue;
    // A Multiply's first input is the gated map; every other counted layer has one input.
    const inputs = layer.input as tfl.SymbolicTensor | tfl.SymbolicTensor[];
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const config = layer.getConfig();
    const kernel = kind === 'dense' || kind === 'multiply' ? null : ((kind === 'pool' ? config.poolSize : config.kernelSize) as [number, number]);
    records.push({ name: layer.name, kind, input: withoutBatch(input), output: withoutBatch(layer.output as tfl.SymbolicTensor), kernel });
  }
  return records;
}

/** Number of trainable parameters of `model` (BN's moving statistics and spectral norm's u and v excluded, as PyTorch's buffers are). */
export function trainableParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
