// Issue 17's bf16 quality check, the verdict: from the run folders bench/precision-quality.sh fills
// (OUT/{gan,vae}-{fp32,bf16}-seedS, each scored by `ganvae eval`), the default GAN's FID and the default VAE's
// test NLL per seed in both precisions, and whether bf16 meets the targets:
//   GAN: bf16's mean FID lies within the range of fp32's FIDs over the seeds;
//   VAE: bf16's test NLL is within 1 nat of fp32's, seed by seed.
// node --import tsx bench/precision-quality.ts OUT_DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable } from './table.ts';

/** The largest |NLL_bf16 − NLL_fp32| (nats per image) the VAE target allows. */
export const VAE_NLL_TOLERANCE_NATS = 1;

/** One family's scores by seed, in each precision (lower is better for both FID and NLL). */
export interface PrecisionScores {
  seeds: number[];
  fp32: number[];
  bf16: number[];
}

/** The GAN verdict: bf16's mean FID against fp32's range over seeds. */
export interface GanVerdict {
  fp32Range: [number, number];
  bf16Mean: number;
  pass: boolean;
}

/** The VAE verdict: the per-seed NLL differences (bf16 − fp32) and whether each is within tolerance. */
export interface VaeVerdict {
  differences: number[];
  pass: boolean;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Whether bf16's mean FID lies within [min, max] of fp32's FIDs; needs at least two fp32 seeds for a spread. */
export function ganVerdict(scores: PrecisionScores): GanVerdict {
  if (scores.fp32.length < 2) throw new Error(`the GAN check needs at least 2 seeds for fp32's spread, got ${scores.fp32.length}`);
  const fp32Range: [number, number] = [Math.min(...scores.fp32), Math.max(...scores.fp32)];
  const bf16Mean = mean(scores.bf16);
  return { fp32Range, bf16Mean, pass: bf16Mean >= fp32Range[0] && bf16Mean <= fp32Range[1] };
}

/** Whether every seed's bf16 NLL is within `VAE_NLL_TOLERANCE_NATS` of its fp32 NLL. */
export function vaeVerdict(scores: PrecisionScores): VaeVerdict {
  const differences = scores.bf16.map((b, i) => b - scores.fp32[i]);
  return { differences, pass: differences.length > 0 && differences.every((d) => Math.abs(d) <= VAE_NLL_TOLERANCE_NATS) };
}

/** The parts of `ganvae eval`'s metrics.json this check reads. */
interface EvalFile {
  evaluated?: { metrics: { fid: number } };
  vae?: { iwae: { nll: number } };
}

/** The figure a family is judged by: the GAN's FID, the VAE's IWAE test NLL; errors name the file. */
function figure(family: 'gan' | 'vae', file: string): number {
  const scored = JSON.parse(readFileSync(file, 'utf8')) as EvalFile;
  const value = family === 'gan' ? scored.evaluated?.metrics.fid : scored.vae?.iwae.nll;
  if (typeof value !== 'number') throw new Error(`${file} has no ${family === 'gan' ? 'FID' : 'VAE NLL'}: score it again with ganvae eval`);
  return value;
}

/** The figure of every seed of `family` scored in both precisions in `dir` (seeds missing a side are left out). */
export function readScores(dir: string, family: 'gan' | 'vae'): PrecisionScores {
  const seeds = [...new Set(readdirSync(dir).flatMap((name) => {
    const match = new RegExp(`^${family}-(fp32|bf16)-seed(\\d+)$`).exec(name);
    return match ? [Number(match[2])] : [];
  }))].sort((a, b) => a - b);
  const scored = (precision: string, seed: number) => join(dir, `${family}-${precision}-seed${seed}`, 'eval', 'metrics.json');
  const complete = seeds.filter((seed) => existsSync(scored('fp32', seed)) && existsSync(scored('bf16', seed)));
  const read = (precision: string) => complete.map((seed) => figure(family, scored(precision, seed)));
  return { seeds: complete, fp32: read('fp32'), bf16: read('bf16') };
}

function scoreTable(label: string, scores: PrecisionScores): string {
  const rows = scores.seeds.map((seed, i) => [String(seed), scores.fp32[i].toFixed(2), scores.bf16[i].toFixed(2), (scores.bf16[i] - scores.fp32[i]).toFixed(2)]);
  return formatTable(['seed', `${label} fp32`, `${label} bf16`, 'bf16 − fp32'], rows);
}

function main(dir: string): number {
  const gan = readScores(dir, 'gan');
  const vae = readScores(dir, 'vae');
  if (gan.seeds.length === 0 && vae.seeds.length === 0) {
    console.error(`precision-quality: ${dir} has no seed scored in both precisions (run bench/precision-quality.sh)`);
    return 1;
  }
  if (gan.seeds.length > 0) {
    console.log(scoreTable('FID', gan));
    if (gan.seeds.length >= 2) {
      const v = ganVerdict(gan);
      console.log(`GAN: bf16 mean FID ${v.bf16Mean.toFixed(2)}, fp32's range ${v.fp32Range[0].toFixed(2)}–${v.fp32Range[1].toFixed(2)}: ${v.pass ? 'within' : 'outside'}\n`);
    } else console.log('GAN: one seed; fp32 has no spread yet\n');
  }
  if (vae.seeds.length > 0) {
    console.log(scoreTable('NLL', vae));
    const v = vaeVerdict(vae);
    console.log(`VAE: bf16 within ${VAE_NLL_TOLERANCE_NATS} nat of fp32 on ${v.differences.filter((d) => Math.abs(d) <= VAE_NLL_TOLERANCE_NATS).length} of ${v.differences.length} seeds: ${v.pass ? 'pass' : 'fail'}`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.error(`usage: node --import tsx bench/precision-quality.ts OUT_DIR${dir ? ` (${dir} does not exist)` : ''}`);
    process.exit(2);
  }
  try {
    process.exit(main(dir));
  } catch (err) {
    console.error(`precision-quality: ${(err as Error).message}`);
    process.exit(1);
  }
}
