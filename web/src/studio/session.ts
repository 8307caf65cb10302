// One training run in the tab: the library's own run setup (setUpRun), batcher, model family and step loop
// (runStepLoop, the loop `ganvae train` runs), with the studio's hooks behind it: checkpoints to IndexedDB,
// grids and metrics to the page, and an export as a run folder zip. Pause, resume and stop go to the loop.
import * as tf from '@tensorflow/tfjs-core';
import {
  createBatcher, encodeCheckpoint, ganKind, latentVectors, LoopControl, restoreCheckpointFiles, RESUMABLE_KEYS, Rng, runStepLoop, RUN_FORMAT_VERSION, setUpRun, vaeKind,
  type Dataset, type MetricsRow, type ProgressReport, type RawImage, type RunInfo, type StepLoopResult, type Trainable, type TrainingOptions,
} from '../../../src/browser.ts';
import { encodePng } from './png.ts';
import { runEntries, type StudioRun } from './run-archive.ts';
import { saveDataset, saveRun, type StoredDataset } from './store.ts';
import { writeZip } from './zip.ts';

/** What the page hears from a running session. */
export interface SessionEvents {
  metrics?(row: MetricsRow): void;
  grid?(grid: RawImage, name: string, step: number): void;
  progress?(report: ProgressReport): void;
  checkpoint?(step: number): void;
  paused?(step: number): void;
}

/** The model families the studio trains, by run.json kind. */
export const KINDS = { gan: ganKind, vae: vaeKind } as const;
export type KindName = keyof typeof KINDS;

/** Lets the page handle input and paint between steps (a macrotask, without setTimeout's 4 ms clamp). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The dataset the batcher reads from stored training images. */
function asDataset(stored: StoredDataset): Dataset {
  return {
    name: stored.name, images: stored.images, labels: stored.labels, count: stored.count, height: stored.height, width: stored.width,
    channels: stored.channels, classNames: stored.classNames,
  };
}

/** A run being trained in this tab. */
export class Session {
  readonly control = new LoopControl();
  private running: Promise<StepLoopResult> | null = null;

  private constructor(
    readonly run: StudioRun, readonly dataset: StoredDataset, private readonly trainable: Trainable,
    private readonly rng: Rng, readonly startStep: number,
  ) {}

  get config(): TrainingOptions & Record<string, unknown> {
    return this.run.info.config as TrainingOptions & Record<string, unknown>;
  }

  /** A new run of `kind` with `options` (config keys; unset keys take `ganvae train`'s defaults) on `dataset`. */
  static async create(kind: KindName, options: Record<string, unknown>, dataset: StoredDataset, backend: string): Promise<Session> {
    const data = { shape: [dataset.height, dataset.width, dataset.channels] as [number, number, number], numClasses: dataset.classNames?.length ?? 0, trainImages: dataset.count };
    const { config, trainable, rng } = setUpRun(KINDS[kind], options, data, 'the studio\'s options');
    const info: RunInfo = {
      formatVersion: RUN_FORMAT_VERSION, kind, config, dataset: { name: config.data, shape: data.shape, classes: dataset.classNames ?? [] },
      backend, createdAt: new Date().toISOString(),
    };
    await saveDataset(dataset);
    return new Session({ info, metrics: [], samples: {}, checkpoint: null }, dataset, trainable, rng, 0);
  }

  /**
   * Continues `run` (saved in IndexedDB, or imported from a run folder) from its latest checkpoint on `dataset`,
   * exactly: the same step, optimiser state and RNG state. `budget` may change the options a resumed CLI run may.
   */
  static async resume(run: StudioRun, dataset: StoredDataset, budget: Record<string, unknown> = {}, save = false): Promise<Session> {
    if (!run.checkpoint) throw new Error('this run has no checkpoint to continue from');
    const kind = run.info.kind as KindName;
    const bad = Object.keys(budget).filter((k) => !(RESUMABLE_KEYS as readonly string[]).includes(k));
    if (bad.length) throw new Error(`${bad.join(', ')} cannot change when continuing a run`);
    const shape = run.info.dataset.shape;
    if (shape.join() !== [dataset.height, dataset.width, dataset.channels].join()) {
      throw new Error(`the run was trained on ${shape.join('x')} images, but the chosen images are ${dataset.height}x${dataset.width}x${dataset.channels}; ` +
        'choose images of that size and channels (the data options above)');
    }
    const data = { shape, numClasses: run.info.dataset.classes.length, trainImages: dataset.count };
    const { config, trainable, rng } = setUpRun(KINDS[kind], { ...run.info.config, ...budget }, data, 'run.json');
    try {
      const state = await restoreCheckpointFiles(run.checkpoint.files, trainable, `checkpoint ${run.checkpoint.step}`);
      rng.state = state.rng;
      const resumed: StudioRun = { ...run, info: { ...run.info, config } };
      if (save) await saveDataset(dataset);
      return new Session(resumed, dataset, trainable, rng, state.step);
    } catch (err) {
      trainable.dispose();
      throw err;
    }
  }

  /** Trains until the budget ends or a stop; checkpoints go to IndexedDB. Rejects on a backend error (OOM, lost context). */
  train(events: SessionEvents, backend: string): Promise<StepLoopResult> {
    if (this.running) return this.running;
    this.run.info.backend = backend;
    const batcher = createBatcher(asDataset(this.dataset), { batchSize: this.config.batchSize, seed: this.config.seed, dropLast: true });
    this.running = runStepLoop({
      trainable: this.trainable, batcher, options: this.config, rng: this.rng, startStep: this.startStep, control: this.control,
      onPaused: (step) => events.paused?.(step),
      progress: { update: (report) => events.progress?.(report), done: () => undefined },
      hooks: {
        checkpoint: async (step, rngState) => {
          const files = await encodeCheckpoint(this.trainable, { step, rng: rngState, config: this.config });
          this.run.checkpoint = { step, files };
          // Rows past the checkpoint would be logged again by a resume.
          await saveRun(this.run);
          events.checkpoint?.(step);
        },
        metrics: (row) => {
          this.run.metrics.push(row);
          events.metrics?.(row);
        },
        grid: async (name, grid, step) => {
          events.grid?.(grid, name, step);
          this.run.samples[name] = await encodePng(grid);
        },
        yieldBetweenSteps: nextTask,
      },
    });
    return this.running;
  }

  /**
   * The n images `ganvae sample --run RUN --seed S --n n` draws from the run's models: codes as latentVectors draws
   * them for the trainable (its prior, InfoGAN codes, a learned prior), labels cycling through the classes.
   * Returns [n, h, w, c] in [-1, 1], flat, and the labels.
   */
  async sampleAtSeed(n: number, seed: number): Promise<{ images: Float32Array; labels?: Int32Array }> {
    const labels = this.trainable.numClasses ? Int32Array.from({ length: n }, (_, i) => i % this.trainable.numClasses) : undefined;
    const z = tf.tensor2d(latentVectors(n, this.trainable, new Rng(seed)), [n, this.trainable.latentSize]);
    const y = labels ? tf.tensor1d(labels, 'int32') : undefined;
    const out = this.trainable.sample(z, y);
    const images = await out.data() as Float32Array;
    tf.dispose([z, y, out].filter((t) => t !== undefined));
    return { images, labels };
  }

  get numClasses(): number {
    return this.trainable.numClasses;
  }

  /** The run as a zip of a run folder (the latest checkpoint's weights in model/ and checkpoints/). */
  exportZip(name: string): Uint8Array {
    return writeZip(runEntries(this.run, name));
  }

  /** Frees the models and optimisers. */
  dispose(): void {
    this.trainable.dispose();
  }
}
