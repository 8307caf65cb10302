// The decoder's output distribution p(x|z): its log-probability of images (nats, summed over pixels)
// and its mean image. Bernoulli uses logits with a stable BCE; Gaussian a fixed or learned σ.
import * as tf from '@tensorflow/tfjs-core';
import type { DecoderOutput, VaeArchitecture } from './vae.ts';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log p(x|z) per image: x [batch, h, w, c] in [0, 1] and the decoder output for the same batch → [batch].
 * Bernoulli: x·l − max(l, 0) − log(1 + e^−|l|), the negated BCE-with-logits, which never exponentiates a
 * large positive number. Gaussian: −½((x − μ)/σ)² − log σ − ½ log 2π.
 */
export function reconstructionLogProb(arch: VaeArchitecture, x: tf.Tensor4D, out: DecoderOutput): tf.Tensor1D {
  return tf.tidy(() => {
    const l = out.params;
    let perPixel: tf.Tensor;
    if (arch.likelihood === 'bernoulli') {
      perPixel = tf.sub(tf.sub(tf.mul(x, l), tf.relu(l)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
    } else {
      const logScale = out.logScale ?? tf.scalar(Math.log(arch.gaussianSigma));
      const standardised = tf.div(tf.sub(x, l), tf.exp(logScale));
      perPixel = tf.neg(tf.add(tf.add(tf.mul(tf.square(standardised), 0.5), logScale), HALF_LOG_2PI));
    }
    return tf.sum(perPixel, [1, 2, 3]) as tf.Tensor1D;
  });
}

/** The mean of p(x|z) as an image in [0, 1]: sigmoid of the logits, or the Gaussian mean clipped. [batch, h, w, c]. */
export function decoderMeanImage(arch: VaeArchitecture, out: DecoderOutput): tf.Tensor4D {
  return tf.tidy(() => (arch.likelihood === 'bernoulli' ? tf.sigmoid(out.params) : tf.clipByValue(out.params, 0, 1)));
}
