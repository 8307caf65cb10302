"""Shape records of a model's counted layers (Conv/ConvT/Dense, average pooling, Multiply), in ganvae's NHWC order,
for FLOP counting and the mirror check (bench/flops.ts, bench/tfjs-layers.ts)."""
import torch
from torch import nn

from models import Multiply

KINDS = ((nn.ConvTranspose2d, "convT"), (nn.Conv2d, "conv"), (nn.Linear, "dense"), (nn.AvgPool2d, "pool"),
         (Multiply, "multiply"))


def nhwc(shape):
    """[batch, c, h, w] -> [h, w, c]; [batch, n] -> [n]."""
    return [shape[2], shape[3], shape[1]] if len(shape) == 4 else list(shape[1:])


def window(module, kind):
    """[kh, kw] of a conv's kernel or a pool's window; None for dense and multiply layers."""
    if kind in ("dense", "multiply"):
        return None
    size = module.kernel_size
    return list(size) if isinstance(size, tuple) else [size, size]


def layer_records(model, *example_inputs):
    """Runs `model` once on `example_inputs` and returns, in forward order, one record per counted layer:
    {name, kind: conv|convT|dense|pool|multiply, input: [h, w, c] or [n] (a multiply's first input, the gated map),
    output: same, kernel: [kh, kw] or None}."""
    records, hooks = [], []
    for name, module in model.named_modules():
        kind = next((k for cls, k in KINDS if isinstance(module, cls)), None)
        if kind is None:
            continue

        def record(module, inputs, output, name=name, kind=kind):
            records.append({"name": name, "kind": kind, "input": nhwc(inputs[0].shape),
                            "output": nhwc(output.shape), "kernel": window(module, kind)})
        hooks.append(module.register_forward_hook(record))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(*example_inputs)
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    return records
