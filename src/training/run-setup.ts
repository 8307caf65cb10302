// Setting up a run from its options, as `ganvae train` does (src/runs/train-run.ts) and the browser studio does:
// the whole configuration checked by the family's schema, the family's open choices resolved, the models built
// from the init stream of the seed, and the training RNG from its training stream. Free of Node imports.
import { ConfigError } from '../core/errors.ts';
import { mixSeed, Rng } from '../core/random.ts';
import { parseConfig, runConfigSchema, type TrainingOptions } from './config.ts';
import type { DataShape, Trainable, TrainableKind } from './trainable.ts';

/** Seeds derived from the run seed: weight init and the training stream (noise, dropout) are independent. */
export const INIT_STREAM = 1;
export const TRAIN_STREAM = 2;

/** Refuses a batch larger than the training split (the loop drops the last, smaller batch of each epoch). */
export function checkBatchSize(config: Pick<TrainingOptions, 'batchSize' | 'data'>, trainImages: number): void {
  if (config.batchSize > trainImages) {
    throw new ConfigError(`--batch-size ${config.batchSize} is larger than the ${trainImages} training images of ${config.data}; use at most ${trainImages}`);
  }
}

/** A run ready to train: its resolved configuration, the built models and the training RNG at step 0. */
export interface RunSetup {
  /** Loop options and resolved family options: what run.json's `config` holds. */
  config: TrainingOptions & Record<string, unknown>;
  trainable: Trainable;
  rng: Rng;
}

/**
 * Checks `raw` (options by config key) against `kind`'s schema (errors name each bad key with its --flag; `source`
 * says where they came from), resolves the family's options for `data` and builds the trainable. Options that do
 * not fit together or do not fit the data (a batch larger than `data.trainImages`) are ConfigErrors.
 */
export function setUpRun(kind: TrainableKind, raw: Record<string, unknown>, data: DataShape, source: string): RunSetup {
  const config = parseConfig(runConfigSchema(kind.options), raw, source) as TrainingOptions & Record<string, unknown>;
  if (data.trainImages !== undefined) checkBatchSize(config, data.trainImages);
  const familyOptions = Object.fromEntries(Object.keys(kind.options.shape).filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
  let resolved: Record<string, unknown>;
  let trainable: Trainable;
  try {
    resolved = kind.resolve ? kind.resolve(familyOptions, data) : familyOptions;
    trainable = kind.create(resolved, data, new Rng(mixSeed(config.seed, INIT_STREAM)));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
  return { config: { ...config, ...resolved }, trainable, rng: new Rng(mixSeed(config.seed, TRAIN_STREAM)) };
}
