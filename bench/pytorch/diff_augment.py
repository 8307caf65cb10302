"""DiffAugment (Zhao et al. 2020) for images [batch, c, h, w], differentiable in them: the semantics of
mit-han-lab/data-efficient-gans' DiffAugment_pytorch.py, which ganvae's src/gan/augment/diff-augment.ts follows.

  color        brightness + U(-0.5, 0.5), saturation x U(0, 2), contrast x U(0.5, 1.5), per image
  translation  out[y, x] = in[y + ty, x + tx], ty and tx uniform integers in [-s, s], s = int(side / 8 + 0.5), zero fill
  cutout       zero a square of int(side / 2 + 0.5) pixels centred at a uniform place (clipped to the image)
"""
import torch

TRANSLATION_RATIO = 1 / 8
CUTOUT_RATIO = 1 / 2


def per_image(x, values):
    """values [batch] -> [batch, 1, 1, 1], to scale or shift each image of x."""
    return values.to(x.dtype).view(-1, 1, 1, 1)


# ---- the ops with given parameters, [batch] each (what ganvae's adjust*/translateImages/cutoutImages compute) ----

def adjust_brightness(x, amounts):
    return x + per_image(x, amounts)


def adjust_saturation(x, factors):
    """(x - m) * factor + m per image, m the mean over channels of each pixel."""
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * per_image(x, factors) + mean


def adjust_contrast(x, factors):
    """(x - m) * factor + m per image, m the mean of all its pixels and channels."""
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * per_image(x, factors) + mean


def translate(x, rows, cols):
    """Each image read from a shifted window: out[b, :, y, x] = in[b, :, y + rows[b], x + cols[b]], zero outside."""
    n, c, h, w = x.shape
    y = torch.arange(h).view(1, h, 1) + rows.view(n, 1, 1)
    x_ = torch.arange(w).view(1, 1, w) + cols.view(n, 1, 1)
    inside = ((y >= 0) & (y < h)) & ((x_ >= 0) & (x_ < w))
    source = (y.clamp(0, h - 1) * w + x_.clamp(0, w - 1)).expand(n, h, w).reshape(n, 1, h * w).expand(n, c, h * w)
    return x.reshape(n, c, h * w).gather(2, source).view(n, c, h, w) * inside.unsqueeze(1).to(x.dtype)


def cut_out(x, tops, lefts, size_y, size_x):
    """Image b with rows tops[b] .. tops[b] + size_y - 1 and the columns likewise set to zero (clipped to the image)."""
    n, _, h, w = x.shape
    rows, cols = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
    top, left = tops.view(n, 1, 1), lefts.view(n, 1, 1)
    inside = (rows >= top) & (rows < top + size_y) & (cols >= left) & (cols < left + size_x)
    return x * (~inside).unsqueeze(1).to(x.dtype)


# ---- the random ops, drawing as the reference does (the same torch draws in the same order) ----

def brightness(x):
    return adjust_brightness(x, torch.rand(x.shape[0]) - 0.5)


def saturation(x):
    return adjust_saturation(x, torch.rand(x.shape[0]) * 2)


def contrast(x):
    return adjust_contrast(x, torch.rand(x.shape[0]) + 0.5)


def translation(x):
    """Shifts uniform in [-s, s] per image and axis, s = int(side / 8 + 0.5)."""
    n, _, h, w = x.shape
    limit_y, limit_x = int(h * TRANSLATION_RATIO + 0.5), int(w * TRANSLATION_RATIO + 0.5)
    rows = torch.randint(-limit_y, limit_y + 1, (n, 1, 1))
    return translate(x, rows, torch.randint(-limit_x, limit_x + 1, (n, 1, 1)))


def cutout(x):
    """A square of int(side / 2 + 0.5) per image, its centre offset o uniform in [0, side - (size mod 2)], rows
    o - size // 2 onwards (the reference clamps its indices into the image, which zeroes the same pixels)."""
    n, _, h, w = x.shape
    size_y, size_x = int(h * CUTOUT_RATIO + 0.5), int(w * CUTOUT_RATIO + 0.5)
    tops = torch.randint(0, h + 1 - size_y % 2, (n, 1, 1)) - size_y // 2
    lefts = torch.randint(0, w + 1 - size_x % 2, (n, 1, 1)) - size_x // 2
    return cut_out(x, tops, lefts, size_y, size_x)


# The ops of each policy name, in the reference's order.
POLICY_OPS = {"color": (brightness, saturation, contrast), "translation": (translation,), "cutout": (cutout,)}


def parse_policy(text):
    """'color,translation,cutout' (ganvae's --augment-policy; None: all three) -> list of names; SystemExit on an unknown one."""
    if text is None:
        return list(POLICY_OPS)
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in POLICY_OPS:
            raise SystemExit("DiffAugment policy {!r}: unknown op {!r}; valid ops: {}".format(text, name, ", ".join(POLICY_OPS)))
    return names


def diff_augment(x, policy, p=1.0):
    """x [batch, c, h, w] -> the ops of `policy` (names, in order) applied to each image with probability p (one draw
    per image for the whole policy, as ganvae's --augment-p); the others pass unchanged."""
    if not policy:
        return x
    out = x
    for name in policy:
        for op in POLICY_OPS[name]:
            out = op(out)
    if p < 1:
        out = torch.where((torch.rand(x.shape[0]) < p).view(-1, 1, 1, 1), out, x)
    return out.contiguous()
