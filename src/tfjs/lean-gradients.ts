// Replaces tfjs's backward pass (engine.gradients) by one that frees each intermediate gradient as soon
// as the op that consumes it has run. tfjs 4.22 keeps every dy alive until the whole backward pass
// ends, so a training step's peak memory holds the activations *and* all their gradients (W3 DCGAN-64:
// ~350 MiB more than needed). Same arithmetic, same order, same results; only the lifetimes change.
import * as tf from '@tensorflow/tfjs-core';

/** A recorded op, as tfjs's tape keeps it (tfjs-core/src/tape.ts, not exported by the package). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

/** The parts of tfjs's Engine this module drives (all public members of the class in 4.22). */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
  gradients: (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => { value: tf.Tensor; grads: tf.Tensor[] };
}

let installed = false;

/** Installs the lean backward pass on tfjs's engine (once per process; every backend benefits). */
export function installLeanGradients(): void {
  if (installed) return;
  installed = true;
  const engine = tf.engine() as unknown as EngineInternals;
  engine.gradients = function leanGradients(f, xs, dy, allowNoGradients = false) {
    if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
    if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    const y = engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy('forward', f));
    if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
    const tape = engine.state.activeTape!;
    const filtered = nodesFromXsToY(tape, xs, y);
    if (!allowNoGradients && filtered.length === 0) {
      throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
    }
    // Inside a higher-order gradient the backward ops are themselves recorded: keep tfjs's lifetimes there.
    const outermost = engine.state.gradientDepth === 0;
    return engine.tidy('backward', () => {
      const gradOf = new Map<number, tf.Tensor>([[y.id, dy ?? tf.ones(y.shape)]]);
      backpropagate(gradOf, filtered, engine, outermost ? new Set(xs.map((x) => x.id)) : undefined, dy);
      const grads = xs.map((x) => gradOf.get(x.id)!);
      if (outermost) {
        for (const node of tape) for (const t of node.saved ?? []) t.dispose();
        engine.state.activeTape = null;
      }
      return { value: y, grads };
    });
  };
}

/** tfjs's getFilteredNodesXToY: the nodes on a path from some x to y, their inputs pruned to those that depend on xs. */
function nodesFromXsToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      for (const output of node.outputs) fromX.add(output.id);
      nodesFromX.add(node.id);
    }
  }
  const leadToY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((output) => leadToY.has(output.id))) {
      for (const input of Object.values(node.inputs)) leadToY.add(input.id);
      nodesToY.add(node.id);
    }
  }
  return tape.filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id)).map((node) => ({
    ...node,
    inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, input]) => fromX.has(input.id))),
  }));
}

/**
 * tfjs's backpropagateGradients, walking the tape backwards and accumulating dx per input; given the ids of
 * the `wanted` tensors (xs), a node's output gradients are disposed once it has run (see freeConsumed).
 */
function backpropagate(gradOf: Map<number, tf.Tensor>, tape: TapeNode[], engine: EngineInternals, wanted: Set<number> | undefined, callersDy: tf.Tensor | undefined): void {
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const dys = node.outputs.map((o) => gradOf.get(o.id) ?? null);
    if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(dys as tf.Tensor[]);
    for (const [inputName, x] of Object.entries(node.inputs)) {
      if (!(inputName in inputGradients)) {
        throw new Error(`Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`);
      }
      const dx = engine.tidy(() => inputGradients[inputName]());
      if (dx.dtype !== 'float32') {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`);
      }
      if (!tf.util.arraysEqual(dx.shape, x.shape)) {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
      }
      const accumulated = gradOf.get(x.id);
      if (accumulated == null) {
        gradOf.set(x.id, dx);
      } else {
        gradOf.set(x.id, tf.add(accumulated, dx));
        accumulated.dispose();
      }
    }
    if (wanted) freeConsumed(node, dys, gradOf, wanted, callersDy);
  }
}

/**
 * Disposes the gradients of `node`'s outputs: nothing reads them after the node ran. Kept: the gradient of a
 * wanted tensor, the caller's dy, and a tensor a gradient function passed through as some input's dx.
 */
function freeConsumed(node: TapeNode, dys: (tf.Tensor | null)[], gradOf: Map<number, tf.Tensor>, wanted: Set<number>, callersDy: tf.Tensor | undefined): void {
  node.outputs.forEach((output, k) => {
    const dy = dys[k];
    if (dy == null || dy === callersDy || dy.isDisposed || wanted.has(output.id)) return;
    gradOf.delete(output.id);
    for (const other of gradOf.values()) if (other === dy) return;
    dy.dispose();
  });
}
