"""One training iteration of each workload family, mirroring ganvae's Trainable.trainStep (src/training/)."""
import torch
import torch.nn.functional as F

from diff_augment import diff_augment, parse_policy
from models import build_discriminator, build_generator, build_reconstruction_decoders, reconstruction_side


def adam(params, settings):
    """tfjs's Adam: tf.train.adam(learningRate, beta1, beta2) with its default epsilon 1e-7."""
    return torch.optim.Adam(params, lr=settings["learningRate"],
                            betas=(settings["beta1"], settings["beta2"]), eps=1e-7)


def learning_rates(options, settings, part):
    """Adam `settings` with the learning rate of `part` ('lrG' or 'lrD', ganvae's separate rates) when the options have it."""
    rate = options.get(part)
    return settings if rate is None else {**settings, "learningRate": rate}


def gan_models(arch, options, settings):
    """(generator, discriminator, reconstruction decoders or None, G's Adam, D's Adam) of GanArchitecture `arch`:
    Adam `settings` with ganvae's separate lrG and lrD when `options` have them; D's Adam trains the decoders too."""
    generator, discriminator = build_generator(arch["generator"]), build_discriminator(arch["discriminator"])
    decoders = build_reconstruction_decoders(arch["discriminator"])
    d_params = list(discriminator.parameters()) + (list(decoders.parameters()) if decoders is not None else [])
    return (generator, discriminator, decoders, adam(generator.parameters(), learning_rates(options, settings, "lrG")),
            adam(d_params, learning_rates(options, settings, "lrD")))


def vae_iteration(encoder, decoder, optimizer, images):
    """src/vae/vae-family.ts: images [batch, c, h, w] in [-1, 1] -> dynamic binarisation -> one Adam step
    on the negative ELBO (Bernoulli reconstruction summed over pixels + KL, mean over the batch). Returns the loss."""
    unit = ((images + 1) * 0.5).clamp(0, 1)
    x = (torch.rand_like(unit) < unit).float()
    mu, log_var = encoder(x)
    z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
    logits = decoder(z)
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3)).mean()
    kl = 0.5 * (mu.square() + log_var.exp() - log_var - 1).sum(-1).mean()
    loss = reconstruction + kl
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


# The GAN losses the mirror implements, as src/gan/losses.ts's records: D's loss from its logits on the real and the
# fake batch, and G's from its logits on the fakes. ns is the non-saturating loss (BCE with logits).
GAN_LOSSES = {
    "ns": (lambda real, fake: F.softplus(-real).mean() + F.softplus(fake).mean(),
           lambda fake: F.softplus(-fake).mean()),
    "hinge": (lambda real, fake: F.relu(1 - real).mean() + F.relu(1 + fake).mean(),
              lambda fake: -fake.mean()),
}


def r1_penalty(discriminator, images):
    """R1 (Mescheder et al. 2018), as src/gan/r1-penalty.ts: the batch mean of ||dD(x)/dx||^2 (the gradient of the
    summed logits, from a forward pass of its own) at the real images D sees, [batch, c, h, w]; differentiable in D's
    weights (create_graph) -> scalar."""
    images = images.detach().requires_grad_(True)
    grad, = torch.autograd.grad(discriminator(images).sum(), images, create_graph=True)
    return grad.square().sum(dim=(1, 2, 3)).mean()


def shrink(images, side):
    """images [batch, c, s, s] average-pooled to [batch, c, side, side] (s a multiple of side)."""
    factor = images.shape[2] // side
    return images if factor == 1 else F.avg_pool2d(images, factor)


def reconstruction_loss(decoders, maps, real, quarter):
    """FastGAN's self-supervision, as src/gan/reconstruction.ts's reconstructionLoss: the mean squared error of the
    `whole` decoder from D's 8x8 map against the real images [batch, c, h, w] shrunk to the decoders' side R, plus that
    of the `part` decoder from quarter `quarter` (0 top left, 1 top right, 2 bottom left, 3 bottom right) of D's 16x16
    map against the same quarter of the images shrunk to R. maps: D's maps by side -> scalar."""
    side = reconstruction_side(real.shape[2])
    row, col = divmod(quarter, 2)
    half = real.shape[2] // 2
    part_target = shrink(real[:, :, row * half:(row + 1) * half, col * half:(col + 1) * half], side)
    part_map = maps[16][:, :, row * 8:(row + 1) * 8, col * 8:(col + 1) * 8]
    return (F.mse_loss(decoders["whole"](maps[8]), shrink(real, side))
            + F.mse_loss(decoders["part"](part_map), part_target))


def gan_iteration(generator, discriminator, opt_g, opt_d, real, latent_size, loss="ns", augment=None, r1=0.0,
                  decoders=None, reconstruction=0.0):
    """One D step then one G step, as ganvae's GAN step (src/gan/gan-family.ts). real [batch, c, h, w] in [-1, 1].
    loss: a GAN_LOSSES name. augment: images -> images as D sees them (DiffAugment), applied with fresh draws to the
    real and the fake batch of the D step and to the fakes of the G step (G's gradient flows through it), or None.
    r1: the weight of R1 on the real batch in this D step, gamma / 2 times the lazy interval on a regularised step
    (0: none). decoders: FastGAN's reconstruction decoders (models.build_reconstruction_decoders; their parameters
    in opt_d), whose loss on the real batch joins D's with weight `reconstruction`. Returns (d_loss, g_loss), D's
    with every term, as ganvae reports dLoss."""
    batch = real.shape[0]
    d_loss_of, g_loss_of = GAN_LOSSES[loss]
    seen = augment or (lambda images: images)

    # D step: G runs forward only; D gets weight gradients (no gradient to its input is needed, but for R1's).
    with torch.no_grad():
        fake = generator(torch.randn(batch, latent_size))
        real_seen, fake_seen = seen(real), seen(fake)
    real_logits, maps = discriminator(real_seen, with_maps=True) if decoders is not None else (discriminator(real_seen), None)
    d_loss = d_loss_of(real_logits, discriminator(fake_seen))
    if decoders is not None:
        d_loss = d_loss + reconstruction * reconstruction_loss(decoders, maps, real_seen, int(torch.randint(4, ())))
    if r1 > 0:
        d_loss = d_loss + r1 * r1_penalty(discriminator, real_seen)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()

    # G step: gradients flow through D to G, but D's weight gradients are not computed (ganvae
    # differentiates with respect to G's variables only), so D is frozen for this step.
    discriminator.requires_grad_(False)
    g_loss = g_loss_of(discriminator(seen(generator(torch.randn(batch, latent_size)))))
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    discriminator.requires_grad_(True)
    return d_loss.item(), g_loss.item()


# What gan_iteration mirrors of ganvae's resolved GAN options: the values each may take. An option a spec lacks (one
# written before ganvae had it) reads as ganvae's default, in GAN_DEFAULTS.
GAN_MIRRORED = {
    "loss": tuple(GAN_LOSSES), "dSteps": (1,), "labelSmoothing": (0,), "featureMatching": (False,), "prior": ("normal",),
    "conditional": ("none",), "augment": ("none", "diffaug"),
}
GAN_DEFAULTS = {"augment": "none", "flip": False, "r1": 0, "ema": True}


def lazy_r1_weight(gamma, every, step):
    """Lazy R1 (Karras et al. 2020), as src/gan/r1-penalty.ts's lazyPenaltyWeight: the weight of ||grad||^2 on D step
    `step` (from 0), gamma / 2 times `every` on every `every`-th step and 0 (no penalty) on the others."""
    return gamma / 2 * every if gamma > 0 and step % every == 0 else 0.0


def gan_option(options, name):
    """A resolved ganvae option, or its default when the spec predates it."""
    return options.get(name, GAN_DEFAULTS.get(name))


def gan_step_options(options, who, mirrored=GAN_MIRRORED):
    """gan_iteration's keyword arguments (loss, augment, reconstruction weight) for ganvae's resolved GAN `options`
    (the decoders come from the spec: gan_models). Exits naming the option
    when one has a value outside `mirrored` (GAN_MIRRORED and whatever the caller adds), rather than train another GAN."""
    for name, allowed in mirrored.items():
        value = gan_option(options, name)
        if value not in allowed:
            raise SystemExit("{} mirrors {} = {} only; the run has {!r}".format(
                who, name, " or ".join(repr(a) for a in allowed), value))
    augment = None
    if gan_option(options, "augment") == "diffaug":
        policy = parse_policy(options.get("augmentPolicy"))
        p = options.get("augmentP")
        p = 1.0 if p is None else p

        def augment(images):
            return diff_augment(images, policy, p)
    return {"loss": options["loss"], "augment": augment, "reconstruction": options.get("reconstruction") or 0.0}
