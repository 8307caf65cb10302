// Shape records of a tfjs-layers model's Conv/ConvT/Dense layers (forward order), as bench/flops.ts counts them.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerShape } from './flops.ts';

const KINDS: Record<string, LayerShape['kind']> = { Conv2D: 'conv', Conv2DTranspose: 'convT', Dense: 'dense' };

/** One record per Conv2D, Conv2DTranspose and Dense layer of `model`, shapes without the batch dimension. */
export function tfjsLayerShapes(model: tfl.LayersModel): LayerShape[] {
  const records: LayerShape[] = [];
  for (const layer of model.layers) {
    const kind = KINDS[layer.getClassName()];
    if (!kind) continue;
    // Conv and Dense layers have one input and one output, whose shapes start with the batch (null).
    const withoutBatch = (tensor: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => (tensor as tfl.SymbolicTensor).shape.slice(1) as number[];
    const kernel = kind === 'dense' ? null : (layer.getConfig().kernelSize as [number, number]);
    records.push({ name: layer.name, kind, input: withoutBatch(layer.input), output: withoutBatch(layer.output), kernel });
  }
  return records;
}

/** Number of trainable parameters of `model` (BN's moving statistics excluded, as PyTorch's buffers are). */
export function trainableParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
