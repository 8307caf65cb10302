// ADA's adaptive augmentation probability (Karras et al. 2020): the overfitting heuristic r_t = E[sign(D(real))]
// moves p towards keeping r_t at 0.6, fast enough to go from 0 to 1 in 500k images. Its state is plain JSON.
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { RunFolderError } from '../../core/errors.ts';

/** The reference's target of r_t (ada_target). */
export const ADA_TARGET = 0.6;
/** D steps between adjustments of p (ada_interval). */
export const ADA_INTERVAL = 4;
/** Images over which p can go from 0 to 1 (ada_kimg · 1000). */
export const ADA_SPEED_IMAGES = 500_000;

/** Everything the controller carries between steps; a checkpoint saves it and a resumed run continues exactly. */
export const adaStateSchema = z.strictObject({
  /** The augmentation probability. */
  p: z.number().min(0).max(1),
  /** Σ sign(D(real)) since the last adjustment. */
  signSum: z.number(),
  /** Real images seen since the last adjustment. */
  images: z.number().int().min(0),
  /** D steps since the last adjustment, below ADA_INTERVAL. */
  steps: z.number().int().min(0).max(ADA_INTERVAL - 1),
});
export type AdaState = z.infer<typeof adaStateSchema>;

/**
 * p ← clamp(p + sign(r_t − 0.6) · N / 500000, 0, 1) every ADA_INTERVAL D steps, r_t the mean sign of D's logits on
 * the real images of those steps and N their number (batch · 4). The reference clamps at 0 only; p above 1 acts as 1.
 */
export class AdaController {
  private current: AdaState;

  /** Starts at p (the reference: 0), or continues `state` exactly. */
  constructor(state: AdaState | number = 0) {
    this.current = typeof state === 'number' ? { p: state, signSum: 0, images: 0, steps: 0 } : { ...state };
  }

  /** A controller continuing a checkpoint's `state` (JSON parsed); a RunFolderError names the field that is wrong. */
  static restore(state: unknown): AdaController {
    const parsed = adaStateSchema.safeParse(state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RunFolderError(`the checkpoint's ADA state is corrupt: ${issue.path.join('.') || 'state'}: ${issue.message}`);
    }
    return new AdaController(parsed.data);
  }

  /** The augmentation probability now. */
  get p(): number {
    return this.current.p;
  }

  /** A copy of the state, plain JSON. */
  get state(): AdaState {
    return { ...this.current };
  }

  /** Feeds one D step's logits on real images [n, 1] (read synchronously); non-finite logits are not counted. */
  observe(realLogits: tf.Tensor): void {
    const values = Array.from(realLogits.dataSync() as Float32Array);
    if (!values.every(Number.isFinite)) return;
    const s = this.current;
    s.signSum += values.reduce((sum, v) => sum + Math.sign(v), 0);
    s.images += values.length;
    s.steps += 1;
    if (s.steps < ADA_INTERVAL) return;
    const adjust = Math.sign(s.signSum / s.images - ADA_TARGET) * s.images / ADA_SPEED_IMAGES;
    this.current = { p: Math.min(1, Math.max(0, s.p + adjust)), signSum: 0, images: 0, steps: 0 };
  }
}
