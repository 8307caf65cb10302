// Everything a VAE paper reports about a trained model, under one stated protocol: test-set ELBO
// (reconstruction and KL), NLL by importance sampling (IWAE bound, k samples on a seeded subset),
// reconstruction errors (MSE, PSNR, BCE, SSIM), and the model's training objective (ELBO or IWAE-k) and
// prior (N(0, I) or VampPrior) with that objective's test bound. `ganvae eval` calls `evaluateVae` for VAE runs.
import type { Dataset } from '../data/dataset.ts';
import type { Vae } from './vae.ts';
import { evaluateElbo, type ElboResult } from './elbo.ts';
import { vaeEvalSet } from './eval-set.ts';
import { evaluateIwae, type IwaeResult } from './iwae.ts';
import { evaluateReconstruction, type ReconstructionErrors } from './reconstruction.ts';
import type { VaeObjective } from './objective.ts';

/**
 * Default IWAE setting: the reference k = 5000 on a seeded 50-image subset, 250k decoder passes, about
 * 3 minutes on a busy 2-core machine (vae28: ~3.1 s per image, ~1,600 decoder passes/s). `iwaeImages:
 * 1000` took 52 minutes there and `'all'` (the reference protocol) would take ~9 h. The subset's standard
 * error is reported with the estimate.
 */
export const DEFAULT_IWAE_K = 5000;
export const DEFAULT_IWAE_IMAGES = 50;

export interface VaeEvaluationOptions {
  /** Evaluate on the test set binarised once with a fixed seed (models trained with dynamic binarisation). */
  binarize: boolean;
  /** How the training data was presented, in words, for the protocol line. */
  training: string;
  /** Importance samples per image. Default DEFAULT_IWAE_K. */
  k?: number;
  /** Test images for the IWAE bound: a count (seeded subset) or 'all'. Default DEFAULT_IWAE_IMAGES. */
  iwaeImages?: number | 'all';
  /** Test images for the ELBO and reconstruction errors: 'all' (the standard, default) or a count (the same seeded subsets). */
  elboImages?: number | 'all';
  /** Decoder passes per IWAE chunk. Default 1000. */
  decoderBatch?: number;
  seed?: number;
  /** The objective the model was trained on (run.json's --objective and --k). Default the ELBO. */
  trainedOn?: { objective: VaeObjective; k: number };
  /** Progress of the slow IWAE phase. */
  onProgress?: (done: number, total: number, seconds: number) => void;
}

/** The model's training objective and prior, and that objective's value on the test images. */
export interface VaeObjectiveEvaluation {
  objective: VaeObjective;
  /** Importance samples per image of the objective (1 for the ELBO). */
  k: number;
  prior: 'normal' | 'vamp';
  /** The VampPrior's number of pseudo-inputs; null under N(0, I). */
  pseudoInputs: number | null;
  /**
   * The training objective with β = 1 on the ELBO's test images, nats per image (higher is better): the
   * test ELBO, or the k-sample IWAE bound (same seed; at least the ELBO in expectation).
   */
  testBound: number;
}

export interface VaeEvaluation {
  protocol: {
    training: string;
    /** Images the ELBO and reconstruction errors are computed on. */
    elboImages: string;
    /** Images the IWAE bound is computed on. */
    iwaeImages: string;
    k: number;
    seed: number;
    units: string;
  };
  elbo: ElboResult;
  iwae: IwaeResult;
  reconstruction: ReconstructionErrors & { encodedAt: string };
  /** Absent in metrics.json files written before --objective and --prior (those models: ELBO, N(0, I)). */
  objective?: VaeObjectiveEvaluation;
  /** `objective`: the seconds of its test bound (0 for the ELBO, which is `elbo`). */
  seconds: { elbo: number; iwae: number; reconstruction: number; objective?: number };
}

/** Evaluates `vae` on the test split `test` (uint8 NHWC) under `options`. */
export async function evaluateVae(vae: Vae, test: Dataset, options: VaeEvaluationOptions): Promise<VaeEvaluation> {
  const { binarize, k = DEFAULT_IWAE_K, iwaeImages = DEFAULT_IWAE_IMAGES, elboImages = 'all', seed = 0 } = options;
  const subsetOf = (images: number | 'all') => (images === 'all' ? undefined : Math.min(images, test.count));
  const whole = vaeEvalSet(test, { binarize, subset: subsetOf(elboImages) });
  const subset = vaeEvalSet(test, { binarize, subset: subsetOf(iwaeImages) });
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const value = await fn();
    return [value, (performance.now() - start) / 1000];
  };
  const [elbo, elboSeconds] = await timed(() => evaluateElbo(vae, whole, { seed }));
  const [reconstruction, reconstructionSeconds] = await timed(() => evaluateReconstruction(vae, whole));
  const [iwae, iwaeSeconds] = await timed(() => evaluateIwae(vae, subset, { k, seed, decoderBatch: options.decoderBatch, onProgress: options.onProgress }));
  const trainedOn = options.trainedOn ?? { objective: 'elbo', k: 1 };
  const [testBound, objectiveSeconds] = trainedOn.objective === 'iwae'
    ? await timed(async () => -(await evaluateIwae(vae, whole, { k: trainedOn.k, seed, decoderBatch: options.decoderBatch })).nll)
    : [elbo.elbo, 0];
  const pseudoInputs = vae.architecture.pseudoInputs;
  return {
    protocol: {
      training: options.training, elboImages: whole.protocol, iwaeImages: subset.protocol, k, seed,
      units: 'nats per image (summed over pixels); ELBO and NLL use β = 1 whatever β trained the model',
    },
    elbo,
    iwae,
    reconstruction: { ...reconstruction, encodedAt: 'z = μ(x), decoder mean image' },
    objective: {
      objective: trainedOn.objective, k: trainedOn.objective === 'iwae' ? trainedOn.k : 1,
      prior: pseudoInputs > 0 ? 'vamp' : 'normal', pseudoInputs: pseudoInputs > 0 ? pseudoInputs : null, testBound,
    },
    seconds: { elbo: elboSeconds, iwae: iwaeSeconds, reconstruction: reconstructionSeconds, objective: objectiveSeconds },
  };
}

/** The model's objective and prior in words: "IWAE bound, k = 5; VampPrior, 500 pseudo-inputs". */
export function describeObjective(o: VaeObjectiveEvaluation): string {
  const objective = o.objective === 'iwae' ? `IWAE bound, k = ${o.k}` : 'ELBO';
  const prior = o.prior === 'vamp' ? `VampPrior, ${o.pseudoInputs} pseudo-inputs` : 'prior N(0, I)';
  return `${objective}; ${prior}`;
}

/** The evaluation as lines of text for the terminal. */
export function formatVaeEvaluation(e: VaeEvaluation): string {
  const f = (v: number, digits = 2) => v.toFixed(digits);
  return [
    `protocol: ${e.protocol.training}`,
    `  ELBO and reconstruction on ${e.protocol.elboImages}`,
    `  IWAE on ${e.protocol.iwaeImages}, k = ${e.protocol.k}, seed ${e.protocol.seed}`,
    `  units: ${e.protocol.units}`,
    ...(e.objective ? [`trained on: ${describeObjective(e.objective)}`] : []),
    `test ELBO        ${f(e.elbo.elbo)}  (reconstruction ${f(e.elbo.reconstruction)} + KL ${f(e.elbo.kl)}${e.elbo.klEstimate && e.elbo.klEstimate !== 'closed form' ? `, ${e.elbo.klEstimate}` : ''})   [${f(e.seconds.elbo, 1)} s]`,
    ...(e.objective?.objective === 'iwae' ? [`test IWAE k=${e.objective.k}`.padEnd(17) + `${f(e.objective.testBound)}  (the training objective, on the ELBO's images; ELBO gap ${f(e.objective.testBound - e.elbo.elbo)})   [${f(e.seconds.objective ?? 0, 1)} s]`] : []),
    `NLL (IWAE k=${e.iwae.k}) ${f(e.iwae.nll)} ± ${f(e.iwae.nllStandardError)} (s.e. over ${e.iwae.images} images; their k-sample −ELBO ${f(e.iwae.negativeElbo)})   [${f(e.seconds.iwae, 1)} s]`,
    `reconstruction   MSE ${f(e.reconstruction.mse, 5)}  PSNR ${f(e.reconstruction.psnr)} dB  BCE ${f(e.reconstruction.bce)}  SSIM ${e.reconstruction.ssim === null ? '- (images smaller than its 11x11 window)' : f(e.reconstruction.ssim, 4)}   [${f(e.seconds.reconstruction, 1)} s]`,
  ].join('\n');
}
