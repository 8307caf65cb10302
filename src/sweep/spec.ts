// A sweep spec (SPEC.json of `ganvae sweep`): a family, fixed train flags, a grid or seeded random draws over
// any train flags, seeds, an eval block and the metric to rank by. Validated strictly, then expanded into trials.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/random.ts';
import { flagName, parseConfig, runConfigSchema } from '../training/config.ts';
import { loadFamily } from '../runs/families.ts';

/** Metrics a sweep ranks by: the evaluated set's numbers in eval/metrics.json, and whether lower is better. */
export const METRICS = {
  fid: 'min', kid: 'min', is: 'max', precision: 'max', recall: 'max', density: 'max', coverage: 'max',
} as const;
export type MetricName = keyof typeof METRICS;

/** The `eval` block: `ganvae eval` flags, spelled as in a config file (camelCase). */
export const evalSpecSchema = z.strictObject({
  data: z.string().optional().describe('reference dataset (default: the run\'s)'),
  dataDir: z.string().optional(),
  split: z.enum(['test', 'train']).default('test'),
  n: z.number().int().min(2).default(1000).describe('images per scored set'),
  seed: z.number().int().min(0).default(0),
  batchSize: z.number().int().min(1).optional(),
  extractor: z.string().optional(),
  inception: z.string().optional(),
  floor: z.boolean().default(false).describe('also score the real-data floor (the same for every trial)'),
  kidSubsets: z.number().int().min(1).optional(),
  kidSubsetSize: z.number().int().min(2).optional(),
  exact: z.boolean().optional(),
});
export type EvalSpec = z.infer<typeof evalSpecSchema>;

const range = z.strictObject({ min: z.number(), max: z.number(), log: z.boolean().default(false), int: z.boolean().default(false) });
const choices = z.array(z.union([z.number(), z.string(), z.boolean()])).min(1);

export const sweepSpecSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-" only').optional(),
  family: z.enum(['gan', 'vae']),
  flags: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(z.string(), choices).optional(),
  random: z.strictObject({
    n: z.number().int().min(1).max(100000),
    seed: z.number().int().min(0).default(0),
    params: z.record(z.string(), z.union([choices, range])),
  }).optional(),
  seeds: z.array(z.number().int().min(0).max(2 ** 32 - 1)).min(1).default([0]),
  eval: evalSpecSchema.default({ split: 'test', n: 1000, seed: 0, floor: false }),
  metric: z.enum(Object.keys(METRICS) as [MetricName, ...MetricName[]]).default('fid'),
  goal: z.enum(['min', 'max']).optional(),
});
export type SweepSpec = z.infer<typeof sweepSpecSchema>;

/** One train + eval of one configuration. */
export interface Trial {
  /** 12 hex digits of the hash of the family, the resolved train configuration and the eval block. */
  id: string;
  sweep: string;
  family: string;
  /** The resolved `ganvae train` configuration (every key, defaults filled in). */
  config: Record<string, unknown>;
  /** The swept flags' values (and `seed`): the table's columns. */
  swept: Record<string, unknown>;
  eval: EvalSpec;
}

/** A validated spec and its trials. */
export interface Sweep {
  name: string;
  spec: SweepSpec;
  metric: MetricName;
  goal: 'min' | 'max';
  /** The swept flag names, in spec order, `seed` last when more than one seed. */
  sweptKeys: string[];
  trials: Trial[];
}

/** Sorted-key JSON, so that equal configurations hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The trial id of a resolved configuration. */
export function trialId(family: string, config: Record<string, unknown>, evalSpec: EvalSpec): string {
  return createHash('sha256').update(canonicalJson({ family, config, eval: evalSpec })).digest('hex').slice(0, 12);
}

function issuesText(error: z.ZodError, prefix: string): string {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') return `${path ? `${path}: ` : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path || '(top level)'}: ${issue.message}`;
  }).join('; ');
}

/** Every combination of the grid's values, in order (the last key varies fastest). */
function gridCombinations(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return combos;
}

/** `n` seeded draws: a choice uniformly, a range uniformly (or log-uniformly), rounded when `int`. */
function randomDraws(random: NonNullable<SweepSpec['random']>): Record<string, unknown>[] {
  const rng = new Rng(random.seed);
  return Array.from({ length: random.n }, () => Object.fromEntries(Object.entries(random.params).map(([key, p]) => {
    if (Array.isArray(p)) return [key, p[rng.int(p.length)]];
    const u = rng.next();
    let v = p.log ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min);
    if (p.int) v = Math.round(v);
    else v = Number(v.toPrecision(6));
    return [key, v];
  })));
}

/**
 * Validates `raw` (a parsed SPEC.json; `source` names it in errors) and expands it into trials. Every error
 * names the spec key: `grid.loss[1]`, `flags.batchSize`, `random.params.learningRate.min`.
 */
export async function parseSweepSpec(raw: unknown, source: string): Promise<Sweep> {
  const parsed = sweepSpecSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source}: ${issuesText(parsed.error, '')}`);
  const spec = parsed.data;
  const fail = (message: string): never => { throw new ConfigError(`${source}: ${message}`); };
  if (spec.grid && spec.random) fail('give either "grid" or "random", not both');
  const family = await loadFamily(spec.family);
  const schema = runConfigSchema(family.options);
  const shape = schema.shape as Record<string, z.ZodType>;
  const train = `ganvae train ${spec.family}`;
  const checkKey = (where: string, key: string) => {
    if (!(key in shape)) fail(`${where}: "${key}" is not a flag of \`${train}\` (keys are spelled as in a --config file, e.g. maxSteps)`);
    if (key === 'seed') fail(`${where}: list seeds in "seeds", not as a flag`);
  };
  const checkValue = (where: string, key: string, value: unknown) => {
    const result = shape[key].safeParse(value);
    if (!result.success) fail(`${where} (--${flagName(key)}): ${result.error.issues.map((i) => i.message).join('; ')}, got ${JSON.stringify(value)}`);
  };
  for (const [key, value] of Object.entries(spec.flags)) {
    checkKey(`flags.${key}`, key);
    checkValue(`flags.${key}`, key, value);
  }
  let combos: Record<string, unknown>[];
  let sweptKeys: string[];
  if (spec.grid) {
    sweptKeys = Object.keys(spec.grid);
    if (!sweptKeys.length) fail('grid: empty; list at least one flag with its values, e.g. "grid": {"loss": ["dcgan", "lsgan"]}');
    for (const [key, values] of Object.entries(spec.grid)) {
      checkKey(`grid.${key}`, key);
      if (key in spec.flags) fail(`grid.${key}: also fixed in "flags"; keep it in one of them`);
      values.forEach((v, i) => checkValue(`grid.${key}[${i}]`, key, v));
    }
    combos = gridCombinations(spec.grid);
  } else if (spec.random) {
    sweptKeys = Object.keys(spec.random.params);
    if (!sweptKeys.length) fail('random.params: empty; give each swept flag a range {"min", "max"} or a list of choices');
    for (const [key, p] of Object.entries(spec.random.params)) {
      const where = `random.params.${key}`;
      checkKey(where, key);
      if (key in spec.flags) fail(`${where}: also fixed in "flags"; keep it in one of them`);
      if (Array.isArray(p)) p.forEach((v, i) => checkValue(`${where}[${i}]`, key, v));
      else {
        if (!(p.max >= p.min)) fail(`${where}: max ${p.max} is below min ${p.min}`);
        if (p.log && !(p.min > 0)) fail(`${where}: a log range needs min > 0, got ${p.min}`);
        checkValue(`${where}.min`, key, p.int ? Math.round(p.min) : p.min);
        checkValue(`${where}.max`, key, p.int ? Math.round(p.max) : p.max);
      }
    }
    combos = randomDraws(spec.random);
  } else {
    sweptKeys = [];
    combos = [{}];
  }
  if (spec.seeds.length > 1) sweptKeys.push('seed');
  if (new Set(spec.seeds).size !== spec.seeds.length) fail(`seeds: ${JSON.stringify(spec.seeds)} repeats a seed`);
  if (spec.eval.extractor && spec.eval.inception) fail('eval: give either "extractor" or "inception", not both');
  const name = spec.name ?? basename(source).replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
  const trials: Trial[] = [];
  const seen = new Map<string, number>();
  for (const combo of combos) {
    for (const seed of spec.seeds) {
      const where = `trial ${trials.length + 1} (${JSON.stringify({ ...combo, seed })})`;
      const config = parseConfig(schema, { ...spec.flags, ...combo, seed }, `${source}, ${where}`) as Record<string, unknown>;
      const id = trialId(spec.family, config, spec.eval);
      // Random draws may repeat a configuration (few choices): it is one trial.
      if (seen.has(id)) continue;
      seen.set(id, trials.length);
      trials.push({ id, sweep: name, family: spec.family, config, swept: Object.fromEntries(sweptKeys.map((k) => [k, k === 'seed' ? seed : combo[k]])), eval: spec.eval });
    }
  }
  return { name, spec, metric: spec.metric, goal: spec.goal ?? METRICS[spec.metric], sweptKeys, trials };
}

/** The `ganvae eval` arguments of an eval block (without --run and --out). */
export function evalArgs(e: EvalSpec): string[] {
  const args: string[] = ['--split', e.split, '-n', String(e.n), '--seed', String(e.seed)];
  const optional: [string, unknown][] = [['data', e.data], ['data-dir', e.dataDir], ['batch-size', e.batchSize], ['extractor', e.extractor],
    ['inception', e.inception], ['kid-subsets', e.kidSubsets], ['kid-subset-size', e.kidSubsetSize]];
  for (const [flag, value] of optional) if (value !== undefined) args.push(`--${flag}`, String(value));
  if (!e.floor) args.push('--no-floor');
  if (e.exact) args.push('--exact');
  return args;
}
