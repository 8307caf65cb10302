// Summaries of a dataset for `ganvae data info`: pixel mean and standard deviation per channel
// (in [0, 1] units, the usual normalisation constants) and images per class.
import type { Dataset } from './dataset.ts';

export interface PixelStats {
  /** Mean per channel, pixels scaled to [0, 1]. */
  mean: number[];
  /** Population standard deviation per channel, pixels scaled to [0, 1]. */
  std: number[];
}

/** Exact per-channel mean and std of uint8 pixels, via one histogram pass. */
export function pixelStats(dataset: Dataset): PixelStats {
  const c = dataset.channels;
  const histograms = Array.from({ length: c }, () => new Float64Array(256));
  const { images } = dataset;
  for (let i = 0; i < images.length; i++) histograms[i % c][images[i]]++;
  const mean: number[] = [];
  const std: number[] = [];
  for (const histogram of histograms) {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let v = 0; v < 256; v++) {
      n += histogram[v];
      sum += histogram[v] * (v / 255);
      squares += histogram[v] * (v / 255) ** 2;
    }
    const m = n ? sum / n : 0;
    mean.push(m);
    std.push(n ? Math.sqrt(Math.max(0, squares / n - m * m)) : 0);
  }
  return { mean, std };
}

/** Images per class index (empty when the dataset has no labels). */
export function classCounts(dataset: Dataset): number[] {
  if (!dataset.labels) return [];
  const counts = new Array<number>(dataset.classNames?.length ?? 0).fill(0);
  for (const label of dataset.labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
