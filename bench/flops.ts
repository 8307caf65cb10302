// Analytic FLOPs of a training step from its layers' shapes: the benchmark's GFLOPS and % of peak.
// Convention: Conv, ConvT and Dense count by their multiply-accumulates, average pooling and the skip-layer
// excitation's Multiply by their elementwise work; BN, activations, losses, augmentation, spectral norm's power
// iteration and Adam are left out.

/** One counted layer as both ganvae (tfjs-layers) and the PyTorch mirror report it, NHWC. */
export interface LayerShape {
  name: string;
  /** pool: average pooling; multiply: a map [h, w, c] times per-channel gates [1, 1, c] (skip-layer excitation). */
  kind: 'conv' | 'convT' | 'dense' | 'pool' | 'multiply';
  /** [h, w, c] for conv, pool and multiply layers (a multiply's first input, the gated map), [features] for dense ones; no batch dimension. */
  input: number[];
  output: number[];
  /** [kh, kw] of a conv layer or a pool's window, null for dense and multiply layers. */
  kernel: [number, number] | null;
}

/** Layers of each network of a workload in forward order, by network name (`generator`, `encoder`, ...). */
export type NetworkLayers = Record<string, LayerShape[]>;

/** Which gradients a pass through a network computes after its forward pass. */
export type InputGradients = 'all' | 'exceptFirst' | 'none';

/** One pass through one network within a training step. */
export interface Pass {
  network: string;
  batch: number;
  /** Gradients of the layers' weights (the network is being trained in this pass). */
  weightGradients: boolean;
  /** Gradients of the layers' inputs: 'all' when a gradient must reach the network's input, 'exceptFirst' when
   * it only feeds this network's own weights, 'none' for a forward-only pass. */
  inputGradients: InputGradients;
}

const product = (values: number[]) => values.reduce((a, b) => a * b, 1);

/** Multiply-accumulates of a Conv, ConvT or Dense layer's forward pass for one example (0 for layers without weights). */
export function forwardMacs(layer: LayerShape): number {
  switch (layer.kind) {
    case 'dense':
      return product(layer.input) * product(layer.output);
    case 'conv':
      // Every output pixel and channel sums kh·kw·cin products.
      return product(layer.output) * product(layer.kernel!) * layer.input[2];
    case 'convT':
      // Every input pixel and channel scatters into kh·kw·cout outputs (the same count as its gradient conv).
      return product(layer.input) * product(layer.kernel!) * layer.output[2];
    case 'pool':
    case 'multiply':
      return 0;
  }
}

/**
 * FLOPs of one layer for one example: its forward pass, plus its weight gradient and its input gradient when the
 * pass computes them. Conv, ConvT, Dense: 2 per multiply-accumulate, and each gradient costs as much as the forward
 * pass. Average pooling: kh·kw per output (the sum and the scale), its input gradient as much again. Multiply: one
 * per output; its input gradients three (the map's, dy·gate, and the gates', Σ dy·map).
 */
export function layerFlops(layer: LayerShape, weightGradient: boolean, inputGradient: boolean): number {
  switch (layer.kind) {
    case 'pool': {
      const forward = product(layer.output) * product(layer.kernel!);
      return forward * (inputGradient ? 2 : 1);
    }
    case 'multiply': {
      const forward = product(layer.output);
      return forward * (inputGradient ? 4 : 1);
    }
    default: {
      const forward = 2 * forwardMacs(layer);
      return forward * (1 + (weightGradient ? 1 : 0) + (inputGradient ? 1 : 0));
    }
  }
}

/**
 * FLOPs of the passes, from the layer shapes in `layers` (layerFlops per layer and example, times the pass's
 * batch). No pass computes the input gradient of a network's first layer unless a gradient must flow further
 * back (e.g. through D into G).
 */
export function stepFlops(layers: NetworkLayers, passes: Pass[]): number {
  let flops = 0;
  for (const pass of passes) {
    const network = layers[pass.network];
    if (!network) throw new Error(`FLOP count: no layers recorded for network "${pass.network}" (have ${Object.keys(layers).join(', ')})`);
    network.forEach((layer, i) => {
      const inputGradient = pass.inputGradients === 'all' || (pass.inputGradients === 'exceptFirst' && i > 0);
      flops += layerFlops(layer, pass.weightGradients, inputGradient) * pass.batch;
    });
  }
  return flops;
}

/** Human-readable statement of the convention, printed with the results. */
export const FLOP_CONVENTION = 'FLOPs are counted analytically from the layer shapes: Conv, ConvT and Dense at 2 per ' +
  'multiply-accumulate, backward = weight gradient + input gradient, each as costly as the forward pass, without the ' +
  'input gradient of a network\'s first layer unless the gradient must flow on (D into G, decoder into encoder); ' +
  'average pooling at kh·kw per output and the skip-layer excitation\'s Multiply at 1 per output, with their input ' +
  'gradients (2× and 4× forward in all). BN, activations, losses, augmentation, spectral norm\'s power iteration and ' +
  'Adam are not counted.';
