"""One training iteration of each workload family, mirroring ganvae's Trainable.trainStep (src/training/)."""
import torch
import torch.nn.functional as F


def adam(params, settings):
    """tfjs's Adam: tf.train.adam(learningRate, beta1, beta2) with its default epsilon 1e-7."""
    return torch.optim.Adam(params, lr=settings["learningRate"],
                            betas=(settings["beta1"], settings["beta2"]), eps=1e-7)


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


def gan_iteration(generator, discriminator, opt_g, opt_d, real, latent_size):
    """One D step then one G step with the non-saturating loss (BCE with logits), as ganvae's GAN step.
    real [batch, c, h, w] in [-1, 1]. Returns (d_loss, g_loss)."""
    batch = real.shape[0]
    ones = torch.ones(batch, 1)
    zeros = torch.zeros(batch, 1)

    # D step: G runs forward only; D gets weight gradients (no gradient to its input is needed).
    with torch.no_grad():
        fake = generator(torch.randn(batch, latent_size))
    d_loss = (F.binary_cross_entropy_with_logits(discriminator(real), ones)
              + F.binary_cross_entropy_with_logits(discriminator(fake), zeros))
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()

    # G step: gradients flow through D to G, but D's weight gradients are not computed (ganvae
    # differentiates with respect to G's variables only), so D is frozen for this step.
    discriminator.requires_grad_(False)
    g_loss = F.binary_cross_entropy_with_logits(discriminator(generator(torch.randn(batch, latent_size))), ones)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    discriminator.requires_grad_(True)
    return d_loss.item(), g_loss.item()
