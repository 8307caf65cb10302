// The model families `ganvae train <kind>` knows, loaded on demand so a command pays only for the one it uses.
import type { TrainableKind } from '../training/trainable.ts';

export const FAMILIES = {
  gan: async (): Promise<TrainableKind> => (await import('../gan/gan-family.ts')).ganKind as unknown as TrainableKind,
  vae: async (): Promise<TrainableKind> => (await import('../vae/vae-family.ts')).vaeKind as unknown as TrainableKind,
} as const;
export type FamilyName = keyof typeof FAMILIES;

/** The family called `name`; errors list the known ones. */
export async function loadFamily(name: string): Promise<TrainableKind> {
  if (!(name in FAMILIES)) throw new Error(`unknown model family "${name}"; use one of ${Object.keys(FAMILIES).join(', ')}`);
  return FAMILIES[name as FamilyName]();
}
