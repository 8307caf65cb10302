// The format of metrics.json, which `ganvae eval` (evaluateRun) writes into a run's eval/ folder (or --out)
// and `ganvae report` and `ganvae serve` read: format version 1.
import type { MetricSettings, MetricValues } from '../metrics/evaluate.ts';
import type { InceptionScoreResult } from '../metrics/inception-score.ts';
import type { VaeEvaluation } from '../vae/evaluate.ts';

/** One scored set of metrics.json. */
export interface ScoredSet {
  description: string;
  n: number;
  metrics: MetricValues;
}

/** metrics.json of a sample-metrics evaluation (format version 1). */
export interface SampleEvaluationReport {
  formatVersion: 1;
  /** The feature extractor every number was computed with, e.g. "fashion-mnist classifier v2". */
  extractor: string;
  evaluated: { kind: 'run' | 'images'; path: string } & ScoredSet;
  reference: { data: string; split: 'test' | 'train'; n: number; description: string; statsFile: string | null };
  /** The real-data floor; null when skipped (`floor: false`, `refStats`). */
  floor: ScoredSet | null;
  /** A VAE run's likelihood metrics; null for other runs and image folders. */
  vae: VaeEvaluation | null;
  /** The IS of the reference images themselves; null with `refStats`. */
  referenceInceptionScore: InceptionScoreResult | null;
  /** The metric settings; `seed` here is the request's seed (it replaces MetricSettings' numpy seed 2020 in this record). */
  settings: MetricSettings & { batchSize: number; precisionRecallRule: string; densityCoverageRule: string };
  warnings: string[];
  backend: string;
  seconds: number;
  /** Seconds of each phase: reference, evaluated, floor. */
  timings: Record<string, number>;
  createdAt: string;
}

/** metrics.json of a `vaeOnly` evaluation: the VAE's likelihood metrics alone. */
export interface VaeOnlyEvaluationReport {
  formatVersion: 1;
  evaluated: { kind: 'run'; path: string };
  vae: VaeEvaluation;
  backend: string;
  seconds: number;
  createdAt: string;
}

export type EvaluationReport = SampleEvaluationReport | VaeOnlyEvaluationReport;
