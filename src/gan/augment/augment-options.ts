// The GAN trainer's augmentation flags (--augment, --augment-policy, --augment-p): their zod fields, whose --help
// texts come from the op registries, and their resolution against those registries and the images' shape.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { ADA_OP_RECORDS, ADA_OPS, type AdaOp } from './ada-augment.ts';
import { DIFF_AUGMENT_OPS, DIFF_AUGMENT_RECORDS, type DiffAugmentOp } from './diff-augment.ts';

/** The --augment choices. */
export const AUGMENT_KINDS = ['none', 'diffaug', 'ada'] as const;
export type AugmentKind = (typeof AUGMENT_KINDS)[number];

const opList = (records: Record<string, { summary: string }>) =>
  Object.entries(records).map(([name, record]) => `${name} (${record.summary})`).join(', ');

/** The flags as zod fields for the GAN family's options (each a --kebab-case flag); spread them into its object. */
export const augmentOptionFields = {
  augment: z.enum(AUGMENT_KINDS).default('none')
    .describe('augment every image D sees: none, diffaug (DiffAugment, Zhao et al.) or ada (adaptive, Karras et al.)'),
  augmentPolicy: z.string().optional()
    .describe(`comma list of ops; diffaug, run in the list's order: ${opList(DIFF_AUGMENT_RECORDS)}; `
      + `ada, run in this order: ${opList(ADA_OP_RECORDS)} (default: all of the kind's)`),
  augmentP: z.number().min(0).max(1).optional()
    .describe('diffaug: probability that an image is augmented (default 1); ada: a fixed p instead of the adaptive one (from 0)'),
};

/** The flags' values, as the GAN family's options hold them. */
export interface AugmentOptions {
  augment: AugmentKind;
  augmentPolicy?: string;
  augmentP?: number;
}

/** What the flags resolve to: the ops and their probability, and for ADA whether p adapts (no --augment-p). */
export type AugmentSpec =
  | { kind: 'none' }
  | { kind: 'diffaug'; policy: DiffAugmentOp[]; p: number }
  | { kind: 'ada'; policy: AdaOp[]; p: number; adaptive: boolean };

/**
 * The flags checked and filled in for images of `imageShape` [h, w, c]: the kind's default policy, DiffAugment's
 * p = 1, ADA's adaptive p from 0. A ConfigError names the flag and what is wrong (an unknown op lists the valid ones).
 */
export function resolveAugment(options: AugmentOptions, imageShape: readonly number[]): AugmentSpec {
  const { augment, augmentPolicy, augmentP } = options;
  if (augment === 'none') {
    const stray = augmentPolicy !== undefined ? '--augment-policy' : augmentP !== undefined ? '--augment-p' : undefined;
    if (stray) throw new ConfigError(`${stray} needs --augment diffaug or --augment ada (--augment is none)`);
    return { kind: 'none' };
  }
  if (augment === 'diffaug') {
    return { kind: 'diffaug', policy: parsePolicy(augmentPolicy, augment, DIFF_AUGMENT_OPS), p: augmentP ?? 1 };
  }
  const policy = parsePolicy(augmentPolicy, augment, ADA_OPS);
  for (const op of policy) {
    const problem = ADA_OP_RECORDS[op].unsupported(imageShape);
    if (problem) {
      throw new ConfigError(`--augment-policy: ${op} ${problem}; these are ${imageShape.join('x')} (leave ${op} out of the list)`);
    }
  }
  return { kind: 'ada', policy, p: augmentP ?? 0, adaptive: augmentP === undefined };
}

/** The comma list `text` as ops of `valid` (all of them when undefined); ConfigError for an empty, unknown or repeated name. */
function parsePolicy<Op extends string>(text: string | undefined, kind: AugmentKind, valid: readonly Op[]): Op[] {
  if (text === undefined) return [...valid];
  const names = text.split(',').map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!(valid as readonly string[]).includes(name)) {
      const what = name === '' ? `an empty name in '${text}'` : `unknown op '${name}'`;
      throw new ConfigError(`--augment-policy: ${what} for --augment ${kind}; valid ops: ${valid.join(', ')}`);
    }
    if (seen.has(name)) throw new ConfigError(`--augment-policy lists ${name} twice`);
    seen.add(name);
  }
  return names as Op[];
}
