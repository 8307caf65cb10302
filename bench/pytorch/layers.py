"""Shape records of a model's Conv/ConvT/Dense layers, in ganvae's NHWC order, for FLOP counting and the mirror check."""
import torch
from torch import nn

KINDS = ((nn.ConvTranspose2d, "convT"), (nn.Conv2d, "conv"), (nn.Linear, "dense"))


def nhwc(shape):
    """[batch, c, h, w] -> [h, w, c]; [batch, n] -> [n]."""
    return [shape[2], shape[3], shape[1]] if len(shape) == 4 else list(shape[1:])


def layer_records(model, *example_inputs):
    """Runs `model` once on `example_inputs` and returns, in forward order, one record per layer:
    {name, kind: conv|convT|dense, input: [h, w, c] or [n], output: same, kernel: [kh, kw] or None}."""
    records, hooks = [], []
    for name, module in model.named_modules():
        kind = next((k for cls, k in KINDS if isinstance(module, cls)), None)
        if kind is None:
            continue

        def record(module, inputs, output, name=name, kind=kind):
            kernel = list(module.kernel_size) if kind != "dense" else None
            records.append({"name": name, "kind": kind, "input": nhwc(inputs[0].shape),
                            "output": nhwc(output.shape), "kernel": kernel})
        hooks.append(module.register_forward_hook(record))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(*example_inputs)
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    return records
