"""PyTorch mirrors of ganvae's models, built from the same JSON specs (src/gan/dcgan.ts, vae.ts).

NCHW here, NHWC in ganvae: every Conv/ConvT/Dense, average pooling and skip-layer excitation Multiply has the
same input and output shapes and kernel, in the same forward order, so the same FLOPs; `bench/run.ts` checks that
layer by layer before it reports a ratio. A spec's `spectralNorm` puts torch.nn.utils.spectral_norm on its network.
"""
import math

import torch
from torch import nn

# Keras/tfjs BatchNormalization defaults (running mean updated with 1 - 0.99).
BN_EPS = 1e-3
BN_MOMENTUM = 0.01


def same_padding(side, kernel, stride):
    """PyTorch padding giving TF's 'same' output size ceil(side / stride) for a convolution of a side-pixel input.

    TF pads floor(total/2) before and the rest after; PyTorch pads both sides equally, so for an odd
    total it pads one more pixel before: a one-pixel shift with the same output shape and cost.
    """
    total = max((math.ceil(side / stride) - 1) * stride + kernel - side, 0)
    return math.ceil(total / 2)


def conv_same(cin, cout, kernel, stride, side, bias):
    """Conv2d with TF 'same' output size for a side x side input."""
    return nn.Conv2d(cin, cout, kernel, stride, padding=same_padding(side, kernel, stride), bias=bias)


def conv_transpose_same(cin, cout, kernel, stride, bias):
    """ConvTranspose2d whose output is stride * n, as TF's 'same' (k5 s2: padding 2, output_padding 1).

    It is the gradient of a 'same' convolution from stride * n pixels to n, whose padding is side-independent.
    """
    padding = same_padding(stride, kernel, stride)
    return nn.ConvTranspose2d(cin, cout, kernel, stride, padding=padding,
                              output_padding=stride - kernel + 2 * padding, bias=bias)


def batch_norm(channels, dims):
    norm = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
    return norm(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


def init_weights(model, init):
    """Glorot-uniform kernels (Keras default) or N(0, 0.02) with BN scale N(1, 0.02) (Radford et al.); zero biases."""
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            if init == "glorot":
                nn.init.xavier_uniform_(module.weight)
            else:
                nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and init == "normal002":
            nn.init.normal_(module.weight, 1.0, 0.02)


def require_unconditional(spec, part):
    if spec["conditioning"] != "none":
        raise SystemExit("{}: the PyTorch mirror covers unconditional GANs only, got conditioning {!r}".format(
            part, spec["conditioning"]))


class Reshape(nn.Module):
    """[batch, c*h*w] -> [batch, c, h, w]."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.view(x.shape[0], *self.shape)


class Multiply(nn.Module):
    """map [batch, c, h, w] times gates [batch, c, 1, 1] (tfjs's Multiply layer; a module so that layers.py records it)."""

    def forward(self, target, gates):
        return target * gates


class SkipLayerExcitation(nn.Module):
    """FastGAN's skip-layer excitation, as src/gan/dcgan.ts's skipLayerExcitation: source [batch, a, s, s] average-pooled
    to 4x4 (when s > 4), Conv 4x4 valid, LeakyReLU(0.1), Conv 1x1, sigmoid -> gates [batch, b, 1, 1] times target
    [batch, b, S, S]."""

    def __init__(self, source_side, source_channels, target_channels):
        super().__init__()
        pool = [nn.AvgPool2d(source_side // 4)] if source_side > 4 else []
        self.gates = nn.Sequential(*pool, nn.Conv2d(source_channels, target_channels, 4, bias=False), nn.LeakyReLU(0.1),
                                   nn.Conv2d(target_channels, target_channels, 1, bias=False), nn.Sigmoid())
        self.multiply = Multiply()

    def forward(self, source, target):
        return self.multiply(target, self.gates(source))


class Generator(nn.Module):
    """The one generator of GeneratorSpec: the projection to the base map, one ConvT block per stride, the skip-layer
    excitations between maps (`excitations`, applied as soon as their target map exists, as ganvae's builder does), and
    either a last ConvT with tanh or a 'same' to-RGB convolution with tanh (`outputKernel`)."""

    def __init__(self, stem, blocks, excitations, to_image):
        """excitations: [((from, to), SkipLayerExcitation)], map indices as in GeneratorSpec.excitations."""
        super().__init__()
        self.stem = stem
        self.blocks = nn.ModuleList(blocks)
        self.links = [link for link, _ in excitations]
        self.excitations = nn.ModuleList(module for _, module in excitations)
        self.to_image = to_image

    def forward(self, z):
        maps = [self.stem(z)]
        self.excite(maps)
        for block in self.blocks:
            maps.append(block(maps[-1]))
            self.excite(maps)
        return self.to_image(maps[-1]) if self.to_image is not None else maps[-1]

    def excite(self, maps):
        for (source, target), module in zip(self.links, self.excitations):
            if target == len(maps) - 1:
                maps[target] = module(maps[source], maps[target])


def spectral_normalize(model):
    """torch.nn.utils.spectral_norm on every Conv, ConvT (dim=1, torch's default for it) and Linear of `model`:
    one power iteration per training forward, as ganvae's spectral-norm layers (src/tfjs/spectral-norm.ts)."""
    for module in list(model.modules()):
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.utils.spectral_norm(module)
    return model


def build_generator(spec):
    """GeneratorSpec -> nn.Module: noise [batch, latent] -> images [batch, c, h, w] in [-1, 1]."""
    require_unconditional(spec, "generator")

    def act():
        return nn.ReLU() if spec["activation"] == "relu" else nn.LeakyReLU(spec["leakyAlpha"])

    bn = spec["batchNorm"]
    output_kernel = spec.get("outputKernel", 0)
    stem = []
    width = spec["latentSize"]
    for units in spec["denseUnits"]:
        stem += [nn.Linear(width, units, bias=not bn)] + ([batch_norm(units, 1)] if bn else []) + [act()]
        width = units
    base, channels = spec["baseSize"], spec["filters"][0]
    stem += [nn.Linear(width, base * base * channels, bias=not bn)]
    if spec["normalizeAfterReshape"]:
        # Per channel after the reshape, as PyTorch's DCGAN normalises its first ConvT's output.
        stem += [Reshape(channels, base, base)] + ([batch_norm(channels, 2)] if bn else []) + [act()]
    else:
        # Per feature of the projection, as the TF tutorial's BatchNormalization after Dense.
        stem += ([batch_norm(base * base * channels, 1)] if bn else []) + [act(), Reshape(channels, base, base)]
    image_channels = spec["imageShape"][2]
    strides = spec["strides"]
    blocks, sides = [], [base]
    for i, stride in enumerate(strides):
        makes_image = output_kernel == 0 and i == len(strides) - 1
        cout = image_channels if makes_image else spec["filters"][i + 1]
        layers = [conv_transpose_same(channels, cout, spec["kernelSize"], stride, bias=not bn)]
        layers += [nn.Tanh()] if makes_image else ([batch_norm(cout, 2)] if bn else []) + [act()]
        blocks.append(nn.Sequential(*layers))
        channels = cout
        sides.append(sides[-1] * stride)
    to_image = None
    if output_kernel > 0:
        to_image = nn.Sequential(conv_same(channels, image_channels, output_kernel, 1, sides[-1], bias=True), nn.Tanh())
    excitations = [((e["from"], e["to"]), SkipLayerExcitation(sides[e["from"]], spec["filters"][e["from"]], spec["filters"][e["to"]]))
                   for e in spec.get("excitations", [])]
    model = Generator(nn.Sequential(*stem), blocks, excitations, to_image)
    init_weights(model, spec["init"])
    return spectral_normalize(model) if spec.get("spectralNorm", False) else model


class Discriminator(nn.Module):
    """The one discriminator of DiscriminatorSpec: stride-2 convolution blocks, then Flatten -> Linear(1). With
    `with_maps` it also returns each block's output by side ({32: ..., 16: ..., 8: ...}), which FastGAN's
    reconstruction decoders read."""

    def __init__(self, blocks, sides, head):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.sides = sides
        self.head = head

    def forward(self, x, with_maps=False):
        maps = {}
        for block, side in zip(self.blocks, self.sides):
            x = block(x)
            maps[side] = x
        logits = self.head(x)
        return (logits, maps) if with_maps else logits


def build_discriminator(spec):
    """DiscriminatorSpec -> nn.Module: images [batch, c, h, w] -> logits [batch, 1] (and its maps, see Discriminator)."""
    require_unconditional(spec, "discriminator")
    h, _, channels = spec["imageShape"]
    blocks, sides = [], []
    side = h
    for i, filters in enumerate(spec["filters"]):
        norm = spec["batchNorm"] and i > 0
        layers = [conv_same(channels, filters, spec["kernelSize"], 2, side, bias=spec["bias"] and not norm)]
        layers += ([batch_norm(filters, 2)] if norm else []) + [nn.LeakyReLU(spec["leakyAlpha"])]
        if spec["dropout"] > 0:
            layers.append(nn.Dropout(spec["dropout"]))
        blocks.append(nn.Sequential(*layers))
        channels, side = filters, math.ceil(side / 2)
        sides.append(side)
    model = Discriminator(blocks, sides, nn.Sequential(nn.Flatten(), nn.Linear(side * side * channels, 1, bias=spec["bias"])))
    init_weights(model, spec["init"])
    return spectral_normalize(model) if spec.get("spectralNorm", False) else model


def reconstruction_side(image_side):
    """Side of the decoders' images, as src/gan/reconstruction.ts: half the image side, at most 32."""
    return min(32, image_side // 2)


def build_reconstruction_decoders(spec):
    """FastGAN's decoders of DiscriminatorSpec `spec` (src/gan/reconstruction.ts), or None without `reconstruction`:
    {whole: D's 8x8 map, part: a quarter (8x8) of its 16x16 map} -> images [batch, c, R, R] in [-1, 1], each
    ConvT(4, s2)-BN-LReLU(0.2) per doubling from 8 to R (channels halved, at least 16), then Conv(3)-tanh."""
    if not spec.get("reconstruction", False):
        return None
    h, _, image_channels = spec["imageShape"]
    side = reconstruction_side(h)

    def decoder(map_side):
        channels = spec["filters"][int(math.log2(h // map_side)) - 1]
        layers, s = [], 16
        while s <= side:
            width = max(16, channels // 2)
            layers += [conv_transpose_same(channels, width, 4, 2, bias=False), batch_norm(width, 2), nn.LeakyReLU(0.2)]
            channels, s = width, s * 2
        layers += [conv_same(channels, image_channels, 3, 1, side, bias=True), nn.Tanh()]
        model = nn.Sequential(*layers)
        init_weights(model, spec["init"])
        return model
    return nn.ModuleDict({"whole": decoder(8), "part": decoder(16)})


class Encoder(nn.Module):
    """q(z|x): images [batch, c, h, w] in [0, 1] -> (mu, log_var), each [batch, latent]."""

    def __init__(self, arch):
        super().__init__()
        h, _, channels = arch["imageShape"]
        layers, side = [], h
        for filters in arch["encoderFilters"]:
            layers += [conv_same(channels, filters, arch["kernelSize"], 2, side, bias=True), nn.ReLU()]
            channels, side = filters, math.ceil(side / 2)
        width = side * side * channels
        layers.append(nn.Flatten())
        for units in arch["encoderDense"]:
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        self.body = nn.Sequential(*layers)
        self.mu = nn.Linear(width, arch["latentSize"])
        self.log_var = nn.Linear(width, arch["latentSize"])

    def forward(self, x):
        features = self.body(x)
        return self.mu(features), self.log_var(features)


def build_decoder(arch):
    """p(x|z): z [batch, latent] -> Bernoulli logits [batch, c, h, w]."""
    h, _, image_channels = arch["imageShape"]
    base = h // 2 ** len(arch["decoderFilters"])
    layers, width = [], arch["latentSize"]
    for units in arch["decoderDense"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    channels = arch["decoderBaseChannels"]
    layers += [nn.Linear(width, base * base * channels), nn.ReLU(), Reshape(channels, base, base)]
    for filters in arch["decoderFilters"]:
        layers += [conv_transpose_same(channels, filters, arch["kernelSize"], 2, bias=True), nn.ReLU()]
        channels = filters
    layers.append(conv_transpose_same(channels, image_channels, arch["kernelSize"], 1, bias=True))
    return nn.Sequential(*layers)


def build_vae(arch):
    """VaeArchitecture -> (encoder, decoder); Bernoulli, unconditional, as workload W2."""
    if arch["numClasses"] != 0 or arch["likelihood"] != "bernoulli":
        raise SystemExit("the PyTorch VAE mirror covers the unconditional Bernoulli VAE only")
    encoder, decoder = Encoder(arch), build_decoder(arch)
    for model in (encoder, decoder):
        init_weights(model, "glorot")
    return encoder, decoder
