// A training run's configuration: the loop's options plus a model family's, one strict zod object whose
// every field has a default. Sources, lowest first: defaults < `--config file.json` < command-line flags.
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import type { LoadOptions } from '../data/data-source.ts';
import { FIT_MODES, isBackground } from '../data/fit-image.ts';

/** The shared loop's options; each is a --kebab-case flag and a key of the JSON config file. */
export const trainingOptions = z.strictObject({
  // Named by the data registry, which this module (also in the browser entry) cannot import: `ganvae train --help` lists them.
  data: z.string().default('fashion-mnist').describe('data source (`ganvae data list` shows them)'),
  dataDir: z.string().optional().describe('folder holding the dataset\'s files (see `ganvae data`)'),
  imageSize: z.number().int().min(4).max(2048).optional().describe('folder: datasets only: side images are resized and cropped to (default 64)'),
  grey: z.boolean().default(false).describe('folder: datasets only: load images as greyscale instead of RGB'),
  background: z.string().default('white').refine(isBackground, 'must be white, black or #rrggbb')
    .describe('folder: and emoji data: colour behind transparent pixels and of --fit pad\'s padding: white, black or #rrggbb'),
  fit: z.enum(FIT_MODES).default('crop').describe('folder: and emoji data: crop (cover the square, keep the centre) or pad (fit inside it)'),
  epochs: z.number().int().min(1).default(20).describe('passes over the training split'),
  batchSize: z.number().int().min(1).max(65536).default(64).describe('images per step'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0).describe('drives weight init, noise, dropout and shuffling'),
  maxSteps: z.number().int().min(0).default(0).describe('stop after this many steps in total (0: no limit)'),
  maxMinutes: z.number().min(0).default(0).describe('stop after this many minutes of this invocation (0: no limit)'),
  logEvery: z.number().int().min(1).default(20).describe('steps between metrics.jsonl rows (losses averaged over them)'),
  checkpointEvery: z.number().int().min(1).default(500).describe('steps between checkpoints (one is always written at the end)'),
  checkpointMinutes: z.number().min(0).default(2)
    .describe('minutes between checkpoints, whichever of this and --checkpoint-every comes first (0: steps only)'),
  sampleEvery: z.number().int().min(0).default(0).describe('steps between extra sample grids (0: only after each epoch and at the end)'),
  sampleCount: z.number().int().min(1).max(400).default(64).describe('images in each sample grid'),
  precision: z.enum(['fp32', 'bf16']).default('fp32')
    .describe('convolutions and matrix products in fp32, or with bf16 operands and fp32 accumulation (native backend; CPUs with avx512_bf16 or AMX, else --force)'),
});
export type TrainingOptions = z.infer<typeof trainingOptions>;

/** Options a resumed run may change; everything else is fixed by the checkpoint. */
export const RESUMABLE_KEYS = ['epochs', 'maxSteps', 'maxMinutes', 'logEvery', 'checkpointEvery', 'checkpointMinutes', 'sampleEvery', 'sampleCount', 'dataDir', 'precision'] as const;

/** Loop defaults a model family replaces (the VAE trains with batches of 128); files and flags still override them. */
const familyLoopDefaults = z.registry<Partial<TrainingOptions>>();

/** Registers `defaults` as the loop's defaults for `familyOptions`' family and returns `familyOptions`. */
export function withLoopDefaults<S extends z.ZodObject>(familyOptions: S, defaults: Partial<TrainingOptions>): S {
  // Checked here, at module load, so a wrong default fails every run of the family, not one flagless run.
  trainingOptions.partial().parse(defaults);
  familyLoopDefaults.add(familyOptions, defaults);
  return familyOptions;
}

/** The whole run configuration schema for a model family's options, with the family's loop defaults. */
export function runConfigSchema<Shape extends z.ZodRawShape>(familyOptions: z.ZodObject<Shape>) {
  const clash = Object.keys(familyOptions.shape).filter((key) => key in trainingOptions.shape);
  if (clash.length) throw new Error(`model family options ${clash.join(', ')} clash with the training loop's options`);
  const defaults: Record<string, unknown> = familyLoopDefaults.get(familyOptions) ?? {};
  // Only the defaults change, so the shape keeps trainingOptions' field types.
  const loop = Object.fromEntries(Object.entries(trainingOptions.shape).map(([key, field]) => [key, key in defaults
    ? (field as unknown as { unwrap(): z.ZodType }).unwrap().default(defaults[key]).describe(field.description ?? '')
    : field])) as typeof trainingOptions.shape;
  return z.strictObject({ ...loop, ...familyOptions.shape });
}

type Field = { kind: 'number' | 'string' | 'boolean'; values?: string[]; description: string; fallback: string };

/** A field's type, allowed values, description and default, seen through default()/optional() wrappers. */
function describeField(schema: z.ZodType): Field {
  let inner = schema;
  let fallback = 'none';
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') fallback = JSON.stringify(def.defaultValue);
    if (!def.innerType) break;
    inner = def.innerType;
  }
  const type = inner._zod.def.type;
  const description = schema.description ?? inner.description ?? '';
  if (type === 'number' || type === 'string' || type === 'boolean') return { kind: type, description, fallback };
  if (type === 'enum') return { kind: 'string', values: (inner as z.ZodEnum).options.map(String), description, fallback };
  throw new Error(`config field of type ${type} has no flag form`);
}

/** `batchSize` → `batch-size`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The --flag options (all strings, parsed against the schema) for node:util parseArgs. */
export function configFlags(schema: z.ZodObject): Record<string, { type: 'string' }> {
  return Object.fromEntries(Object.keys(schema.shape).map((key) => [flagName(key), { type: 'string' as const }]));
}

/** One line per option: flag, allowed values, default, description. */
export function configHelp(schema: z.ZodObject): string {
  return Object.entries(schema.shape).map(([key, field]) => {
    const f = describeField(field as z.ZodType);
    const values = f.values ? f.values.join('|') : f.kind;
    return `  --${flagName(key).padEnd(18)} ${values.padEnd(20)} ${f.description} (default: ${f.fallback})`;
  }).join('\n');
}

/** Converts the flag strings present in `values` to typed config entries; errors name the flag. */
export function flagsToConfig(schema: z.ZodObject, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const raw = values[flagName(key)];
    if (typeof raw !== 'string') continue;
    const f = describeField(field as z.ZodType);
    if (f.kind === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`--${flagName(key)} must be a number, got "${raw}"`);
      out[key] = n;
    } else if (f.kind === 'boolean') {
      if (!['true', 'false'].includes(raw)) throw new ConfigError(`--${flagName(key)} must be true or false, got "${raw}"`);
      out[key] = raw === 'true';
    } else {
      out[key] = raw;
    }
  }
  return out;
}

/** Validates `raw` against `schema`; errors list every bad key with the flag it corresponds to. */
export function parseConfig<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>, source: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const key = issue.path.join('.');
    return `${key} (--${flagName(key)}): ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration from ${source}: ${problems.join('; ')}`);
}

/** A run's --background and --fit from its saved config, as load options (absent in runs older than them: the loader's defaults). */
export function runFitOptions(config: Record<string, unknown>): Pick<LoadOptions, 'background' | 'fit'> {
  return {
    ...(typeof config.background === 'string' ? { background: config.background } : {}),
    ...(config.fit === 'crop' || config.fit === 'pad' ? { fit: config.fit } : {}),
  };
}
