// The registry of data sources: the one list that loadDataset, `ganvae data`, doctor, the metrics'
// default extractor and the help texts read. A new source is a module beside this one and a line below.
import type { DataSource } from '../data-source.ts';
import { cifar10 } from './cifar10.ts';
import { emoji } from './emoji.ts';
import { fashionMnist } from './fashion-mnist.ts';
import { folder } from './folder.ts';
import { mnist } from './mnist.ts';
import { mnist10k } from './mnist-10k.ts';

/** The built-in sources, in the order help texts list them; the first is the default. */
const registry: DataSource[] = [fashionMnist, mnist, mnist10k, cifar10, emoji, folder];

/** The source loaded when none is named. */
export const DEFAULT_SOURCE = registry[0].name;

/** Every registered source, in registration order. */
export function dataSources(): readonly DataSource[] {
  return registry;
}

/**
 * Adds a source (a plug-in, or a test's fake) after the built-in ones; returns the function that removes
 * it again. Throws when the name is not lower-case kebab-case or is taken.
 */
export function registerDataSource(source: DataSource): () => void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(source.name)) throw new Error(`data source name "${source.name}" must be lower-case kebab-case, like my-faces`);
  if (registry.some((s) => s.name === source.name)) throw new Error(`a data source named "${source.name}" is already registered`);
  registry.push(source);
  return () => {
    const at = registry.indexOf(source);
    if (at !== -1) registry.splice(at, 1);
  };
}

/** The source `spec` names (`mnist`, or `folder:./faces` with argument `./faces`), or null when none does. */
export function findDataSource(spec: string): { source: DataSource; argument: string } | null {
  const colon = spec.indexOf(':');
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const source = registry.find((s) => s.name === name && (colon === -1) === (s.argument === undefined));
  return source ? { source, argument: colon === -1 ? '' : spec.slice(colon + 1) } : null;
}

/** How a user writes a source: `mnist`, or `folder:<dir>` for one that takes an argument. */
export const sourceSpec = (source: DataSource) => (source.argument === undefined ? source.name : `${source.name}:${source.argument}`);

/** "a, b, c or d": the way help texts and errors list choices. */
export function listChoices(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Every registered source as a user writes it, listed for a help text or an error: "fashion-mnist, …, cifar10 or folder:<dir>". */
export const sourceChoices = () => listChoices(registry.map(sourceSpec));

/** The sources `ganvae data download` can fetch. */
export const downloadableSources = () => registry.filter((s) => s.download !== undefined);
