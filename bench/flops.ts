// Analytic FLOPs of a training step from its layers' shapes: the benchmark's GFLOPS and % of peak.
// Convention: only Conv, ConvT and Dense count (BN, activations, losses, Adam are elementwise and left out).

/** One Conv/ConvT/Dense layer as both ganvae (tfjs-layers) and the PyTorch mirror report it, NHWC. */
export interface LayerShape {
  name: string;
  kind: 'conv' | 'convT' | 'dense';
  /** [h, w, c] for conv layers, [features] for dense ones; no batch dimension. */
  input: number[];
  output: number[];
  /** [kh, kw] for conv layers, null for dense ones. */
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

/** Multiply-accumulates of one layer's forward pass for one example. */
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
  }
}

/**
 * FLOPs (2 per multiply-accumulate) of the passes, from the layer shapes in `layers`. Forward: 2·MACs per
 * layer. Backward: the weight gradient and the input gradient each cost as much as the forward pass, so a
 * trained layer costs 3× forward, except that no pass computes the input gradient of the first layer
 * unless a gradient must flow further back (e.g. through D into G).
 */
export function stepFlops(layers: NetworkLayers, passes: Pass[]): number {
  let macs = 0;
  for (const pass of passes) {
    const network = layers[pass.network];
    if (!network) throw new Error(`FLOP count: no layers recorded for network "${pass.network}" (have ${Object.keys(layers).join(', ')})`);
    network.forEach((layer, i) => {
      const forward = forwardMacs(layer);
      let multiplier = 1;
      if (pass.weightGradients) multiplier += 1;
      if (pass.inputGradients === 'all' || (pass.inputGradients === 'exceptFirst' && i > 0)) multiplier += 1;
      macs += forward * multiplier * pass.batch;
    });
  }
  return 2 * macs;
}

/** Human-readable statement of the convention, printed with the results. */
export const FLOP_CONVENTION = 'FLOPs are counted analytically from the layer shapes: Conv, ConvT and Dense only, 2 per ' +
  'multiply-accumulate; backward = weight gradient + input gradient, each as costly as the forward pass, without the ' +
  'input gradient of a network\'s first layer unless the gradient must flow on (D into G, decoder into encoder). ' +
  'BN, activations, losses and Adam are not counted.';
